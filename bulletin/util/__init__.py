"""Shared helpers that know nothing of bulletins, private to the pipeline.

    errors        the errors of the pipeline and the rule for what is an error and what a warning
    files         reading files without waiting on them: only regular files are opened
    atomic        writing files whole or not at all, and flushing them to disk
    steps         the named steps of writing and delivering where the fault tests stop a build
    fingerprints  what files and tools are, as digests (the picture cache, incremental builds)
    locking       one build at a time in an output folder
    progress      progress bars on a terminal, log lines elsewhere
    workers       worker processes forked from a server that has the engine loaded
    pdftree       a tagged PDF's structure tree, walked
    pdftext       the text a page's marked content shows, and marked content made artifacts
    matrices      PDF's transformation matrices, read and composed
    pam           a PDF's pages as Ghostscript renders them in CMYK, read one by one from its pipe
    exports       a stage's entry points, imported on first use
    worddiff      what changed between two versions of a text, word by word

Nothing here imports from the stages.
"""
