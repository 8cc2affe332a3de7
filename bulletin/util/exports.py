"""Entry points a stage's package names without importing them until they are used.

Each stage's `__init__.py` names its entry points (`bulletin.printing.print_pdf`), so that a
reader sees what the stage offers in one place. Importing them there would load the whole stage,
and with it WeasyPrint, whenever any module of it is imported, even by the parent process of a
build, which must stay small and quick to start. So each name is imported from its
module on first use (PEP 562's module `__getattr__`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], object]:
    """Return a module `__getattr__` for `package` that imports each name of `exports` (name -> module,
    relative to the package) from its module when it is first asked for."""

    def __getattr__(name: str) -> object:  # noqa: N807 - it becomes the package's module __getattr__
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(exports[name], package), name)

    return __getattr__
