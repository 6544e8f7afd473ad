"""The main window: ticket, verdict card, draft and release panel, with its autosave and drafting area."""
