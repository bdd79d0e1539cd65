"""partystats (issue 18)."""
