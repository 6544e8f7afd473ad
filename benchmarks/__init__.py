"""Benchmarks: one command, ratios against references measured in the same run."""
