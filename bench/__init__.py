"""Benchmarks of mazhilis-watch: `python -m bench` (or `make bench`). Each prints
its figures next to a baseline measured in the same run, and their ratio."""
