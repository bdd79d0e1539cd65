"""targets (issue 18)."""
