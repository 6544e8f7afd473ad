"""Shipped data files (policy, vocabulary, releases, templates, icons), read with importlib.resources."""
