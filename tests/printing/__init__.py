"""Tests of bulletin.printing: HTML, the PDF, pictures prepared for print, colours, make-up, finishing."""
