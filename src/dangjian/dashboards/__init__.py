"""dashboards (issue 18)."""
