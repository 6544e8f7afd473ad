"""The Knowledge Base window (policy, vocabulary, templates, releases, settings, sharing) and its status line."""
