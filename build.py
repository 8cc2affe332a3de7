"""Build the PDFs of an issue of "Since the Victory": python build.py [ISSUE] [--lang ...]."""

from bulletin.workflow.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
