"""The publishing pipeline of the bulletin "Since the Victory": an issue's YAML files to checked PDFs.

The path of an issue is load and validate -> localize -> render HTML -> print PDF -> preflight ->
deliver; `workflow.building.build_issue` makes one call per stage, and `workflow.publishing`'s
`publish_issue`, the entry point of every build, calls it when there is work. The code is cut
into stages, each a subpackage whose `__init__` says what it takes and gives and names its
modules.
They are listed here in the order of their imports: each uses only those above it.

    util       shared helpers that know nothing of bulletins (errors, files, atomic writes...)
    model      (a module) the words of the domain: Issue, Article, Edition...
    project    (a module) where the project keeps things: templates, catalogs, issues, output
    language   what each language needs: catalogs, CLDR formats, typographic conventions,
               hyphenation, the characters and fonts that show the text, the Markdown of bodies
    content    an issue folder's YAML files and pictures -> the `Issue` model, or every problem at
               its file:line:column (it checks texts against the rules of `language`)
    exchange   an issue's texts in one language -> translation units in a PO file for the
               translators' tools, each with its state and, when stale, its previous source text
    preflight  a PDF -> findings, read back as a prepress operator would; it knows nothing of how
               the PDF was made, so that it judges independently
    signing    a finished screen PDF -> the same file signed in the publisher's name (PAdES, appended so
               that the unsigned bytes stay its first ones); a signed PDF -> whether it is as signed, by whom
    printing   one edition of the issue -> HTML (Jinja2) -> a PDF laid out by WeasyPrint, with its
               pictures prepared for print, its pages made up and finished, and preflighted
    delivery   the PDFs and their findings -> output/<issue>/, swapped in whole, with its manifest,
               package and what decides which PDFs the next build makes again
    sending    a delivered package -> the printing bureau (SFTP, or a hot folder), whole or not at
               all, recorded; and the notice of an unattended run, mailed to the editors
    workflow   the commands of editors, translators and the operator: build, validate, status,
               new, confirm, export, watch, preview, scheduled, send, notify; and verify, for readers

tests/test_architecture.py holds the code to this order and to the module lists of the stages.
"""
