"""Benchmarks live here (see README)."""
