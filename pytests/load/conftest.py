"""Fixtures of the loader tests: a throwaway embedded warehouse per module and inbox builders."""

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
