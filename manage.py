#!/usr/bin/env python
"""Django's manage.py; the ``openiop`` command does the same once installed."""

from openiop.cli import main

if __name__ == "__main__":
    main()
