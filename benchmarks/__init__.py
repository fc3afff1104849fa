"""Benchmarks: `python -m benchmarks --scale 1 10 30` (see benchmarks/__main__.py)."""
