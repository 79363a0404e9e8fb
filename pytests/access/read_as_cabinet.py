"""Open an embedded warehouse with an engine configuration and count each relation's rows per cabinet.

Run as its own process by test_smart_isolation.py: the engine reads its configuration when it starts, once
per process. Prints one JSON object: {relation: {cabinet: rows}}.
"""

from __future__ import annotations

import json
import sys

from parebrick.embedded import open_client


def main(warehouse: str, config_file: str, relations: list[str]) -> None:
    client = open_client(warehouse, config_file=config_file)
    try:
        counts = {relation: dict(client.query(f"SELECT cabinet, count() FROM {relation} GROUP BY cabinet").result_rows)
                  for relation in relations}
    finally:
        client.close()
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
