"""Helpers of the loader tests: a throwaway warehouse per module, inbox builders, queries.

Kept out of a conftest.py on purpose: the suite imports the root conftest by its bare module name, which
a second conftest.py would shadow. Test modules import the fixtures from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from parebrick.embedded import open_client
from parebrick.load.runner import RunResult, load_inbox


@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("warehouse")


@pytest.fixture(scope="module")
def client(warehouse_dir) -> Iterator[Client]:
    """A client on the module's own embedded warehouse, closed when the module is done."""
    connection = open_client(warehouse_dir)
    yield connection
    connection.close()


def put(inbox: Path, qualified: str, name: str, content: bytes | str, encoding: str = "utf-8") -> Path:
    """Deliver a file to the inbox folder of `group.table`."""
    group, table = qualified.split(".")
    path = inbox / group / table / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def load(client: Client, inbox: Path, **kwargs) -> RunResult:
    return load_inbox(client, inbox, **kwargs)


def rows(client: Client, sql: str, **parameters) -> list[tuple]:
    return client.query(sql, parameters=parameters).result_rows
