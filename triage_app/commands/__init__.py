"""Command-line subcommands, one module each, registered by triage_app.cli."""
