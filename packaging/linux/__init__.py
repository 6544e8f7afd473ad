"""Desktop entry and AppStream metainfo, shipped in the wheel as triage_app.desktop (install-desktop)."""
