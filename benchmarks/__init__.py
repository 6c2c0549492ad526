"""Benchmarks: one command each (``python -m benchmarks.<name>``), printing ratios against a baseline measured in the same run."""
