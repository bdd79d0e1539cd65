"""The ``dangjian`` console command: Django's management commands under one name.

``dangjian demo`` builds the demo county and starts the server, ``dangjian rules`` lists the rules
table, ``dangjian benchmark`` times the hot pages; every other Django command works too
(``dangjian migrate``, ``dangjian createsuperuser``).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dangjian", *sys.argv[1:]])


if __name__ == "__main__":
    main()
