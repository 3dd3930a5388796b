"""Speed and quality benchmarks, run by ``make bench`` (``python -m bench``); not tests."""
