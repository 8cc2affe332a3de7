"""Delivery stage: a build's files made the issue's delivery in output/<issue>/, in one step.

Takes the PDFs and findings of a build, made in a staging folder; gives output/<issue>/ with
them, its manifest.json, layout.txt, preflight.json and (on request) the bureau's package and
its checksum, swapped in whole: a delivery is replaced completely or not at all, and only a
folder recognisably a delivery is ever replaced. It also answers what a next build must make
again (`incremental`, `plan`) and whether a delivery is complete and current (`completeness`).

    swap          staging a delivery and swapping it in
    package       the bureau's zip and its checksum, written and checked
    plan          what a build was asked for, and which PDFs it makes and keeps
    manifest      what a delivery says about itself, and what is kept from the previous one
    layout        the layout report: the pages each part takes in each language
    ownership     which entries of an output folder are the builds' own
    outputs       where a build may write: never into the input
    incremental   what each PDF is made from, and which PDFs a build makes again
    completeness  whether a delivery holds what was asked for, complete and current
    signed        the screen PDFs made signed before the manifest takes their checksums, or kept as signed
    records       the record of scheduled runs: a log, and a build report per issue
"""

from ..util.exports import lazy_exports

__all__ = ["start_delivery", "delivered", "check_output", "plan_delivery", "delivery_gaps"]
__getattr__ = lazy_exports(
    __name__,
    {
        "start_delivery": ".swap",
        "delivered": ".ownership",
        "check_output": ".outputs",
        "plan_delivery": ".plan",
        "delivery_gaps": ".completeness",
    },
)
