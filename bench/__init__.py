"""Benchmarks: parcours against a raw Temporal baseline, side by side.

``uv run python -m bench`` (``--quick`` for a run under a minute) starts one
embedded dev server and, in the same run, measures parcours and a minimal
baseline workflow that does the same Temporal operations with no domain. See
``bench/README.md``.
"""
