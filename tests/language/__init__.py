"""Tests of bulletin.language: catalogs, CLDR formats, typography, hyphenation, characters."""
