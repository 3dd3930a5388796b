"""The ``openiop`` command: Django's management commands with OpenIOP's settings.

``openiop migrate``, ``openiop demo``, ``openiop dumpdata`` and the commands each app adds.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openiop.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "openiop"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
