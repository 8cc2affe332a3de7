"""Tests of bulletin.preflight: each check and the colour scan, on small PDFs made for them."""
