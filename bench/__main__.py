"""``python -m bench [NAME ...] [OPTIONS]``: run the benchmarks named (all when none is).

Each benchmark is a module of this package listed in ``BENCHMARKS``, with a
``main(argv: list[str]) -> None`` that reads its own options, e.g.::

    python -m bench                                 # every benchmark, default sizes
    python -m bench scheduling --sizes 50,200       # one benchmark, some sizes
    python -m bench reports --participants 300      # the report selectors, small
"""

from __future__ import annotations

import sys
from importlib import import_module

BENCHMARKS = ("scheduling", "reports")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    names = []
    while args and not args[0].startswith("-"):
        names.append(args.pop(0))
    if any(arg in ("-h", "--help") for arg in args) and not names:
        print(__doc__.strip())
        print(f"\nbenchmarks: {', '.join(BENCHMARKS)}")
        return 0
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark {unknown[0]!r}; there are: {', '.join(BENCHMARKS)}", file=sys.stderr
        )
        return 2
    for name in names or BENCHMARKS:
        import_module(f"bench.{name}").main(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
