"""Accuracy evaluation and speed benchmarks; `python -m bench NAME`."""
