"""`python -m triage_app` runs the same entry point as the `triage-app` command."""

from triage_app.cli import main

raise SystemExit(main())
