"""The History window and the recorder that keeps each triage saved as one history row."""
