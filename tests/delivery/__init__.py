"""Tests of bulletin.delivery: the swap, the manifest and package, incremental builds, the faults a build survives."""
