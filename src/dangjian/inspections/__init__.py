"""inspections (issue 18)."""
