"""Thin wrappers around programs outside Python that the toolkit calls (LibreOffice)."""
