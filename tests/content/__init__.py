"""Tests of bulletin.content: loading, validation, texts and their bounds, pictures, drawings, sources."""
