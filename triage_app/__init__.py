"""triage-app: is it ours, is their release supported, and what do I reply."""

__version__ = "0.1.0"
