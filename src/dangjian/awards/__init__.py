"""awards (issue 18)."""
