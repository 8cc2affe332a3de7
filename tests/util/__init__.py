"""Tests of bulletin.util: shared helpers (files, atomic writes, fingerprints, the lock, progress)."""
