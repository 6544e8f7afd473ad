"""The Releases window: the whole schedule with support status, filters and CSV import."""
