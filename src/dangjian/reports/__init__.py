"""reports (issue 18)."""
