"""Open an embedded warehouse with an engine configuration and print its access as `parebrick access record` does.

Run as its own process by test_access_plan.py (the engine reads its configuration once per process): the
configuration declares roles with grants and a user with filters, so the rows show how ClickHouse itself
normalises what the plan writes. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys

from parebrick.access.state import record
from parebrick.embedded import open_client


def main(warehouse: str, config_file: str, databases: list[str]) -> None:
    client = open_client(warehouse, config_file=config_file)
    try:
        rows = record(client, databases)
    finally:
        client.close()
    print(json.dumps(rows, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
