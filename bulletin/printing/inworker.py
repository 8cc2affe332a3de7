"""The two calls of the print stage that run only in a worker process, where the layout engine is.

A build's own process never imports WeasyPrint: that takes half a second, spent while both
cores could be laying out, and it would be copied into no worker, since the workers are forked
from a server that loaded the engine before the build began (`util.workers.PRELOAD`). So the
build sends its workers these two functions, which it can import cheaply, and each imports
the engine's side of the stage (`editions`, `pdf`) only when it runs, in the worker. These are
the pipeline's only imports deferred for WeasyPrint's sake; tests/test_architecture.py holds
every other module to importing at its top, and a test of the build checks that its process
never loads weasyprint or pikepdf.
"""

from __future__ import annotations

from .jobs import Job, Made, SlotProbe


def make_edition(job: Job) -> Made:
    """Render, print and check one edition's PDF in one variant (`editions.make_edition`)."""
    from .editions import make_edition

    return make_edition(job)


def measure(probe: SlotProbe) -> list[tuple[float, float]]:
    """The drawn size of each slot of `probe`, in millimetres (`pdf.measure_slots`)."""
    from .pdf import measure_slots

    return measure_slots(probe)
