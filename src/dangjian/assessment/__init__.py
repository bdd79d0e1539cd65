"""Assessment — 考核评价 (SPEC §10): the five goods scored from the platform's own records."""
