"""Benchmarks of the whole pipeline (the loader's own benchmark lives in parebrick.load.bench)."""
