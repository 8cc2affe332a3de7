"""Tests of bulletin.workflow: the command line and the editors' and operator's commands."""
