"""Helpers of the backup tests: a copy of a built warehouse, the commands on it, and an independent account
of what it holds (another hash than the backup's own checksums, and every view read)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from support import REPO, Completed, run_tool

from parebrick.embedded import open_client

_ENGINE_DATABASES = "('system', 'information_schema', 'INFORMATION_SCHEMA')"


@dataclass
class Copy:
    """A warehouse directory of a test's own, with its backups beside it (the project's default place)."""

    path: Path

    @property
    def backups(self) -> Path:
        return self.path.with_name(self.path.name + "-backups")

    @property
    def env(self) -> dict[str, str]:
        return {"PAREBRICK_WAREHOUSE": str(self.path)}

    def backup(self, *args: str) -> Completed:
        return run_tool(["parebrick", "backup", *args], cwd=REPO, env=self.env)

    def execute(self, *statements: str) -> None:
        client = open_client(self.path)
        try:
            for statement in statements:
                client.command(statement)
        finally:
            client.close()

    def scalar(self, sql: str):
        client = open_client(self.path)
        try:
            return client.query(sql).result_rows[0][0]
        finally:
            client.close()


def copy_of(built: Path, tmp_path: Path) -> Copy:
    """A copy of a built warehouse no process holds (the session's fixtures only read theirs)."""
    destination = tmp_path / "warehouse"
    # The engine links each database's metadata into its store (relative links): copy the links as links.
    shutil.copytree(built, destination, symlinks=True)
    return Copy(destination)


def account(path: Path) -> dict[str, tuple[str, int, int]]:
    """Every relation of the warehouse: (engine, rows, sum of sipHash64 over its rows) for tables with rows,
    (engine, rows read through it, 0) for views."""
    client = open_client(path)
    try:
        relations = client.query(f"SELECT database, name, engine FROM system.tables WHERE database NOT IN "
                                 f"{_ENGINE_DATABASES} AND NOT is_temporary").result_rows
        found = {}
        for database, name, engine in relations:
            relation = f"`{database}`.`{name}`"
            if engine == "View":
                found[f"{database}.{name}"] = (engine, client.query(f"SELECT count() FROM {relation}").result_rows[0][0], 0)
            elif engine.endswith("MergeTree"):
                rows, digest = client.query(f"SELECT count(), sum(sipHash64(*)) FROM {relation}").result_rows[0]
                found[f"{database}.{name}"] = (engine, rows, digest)
            else:
                found[f"{database}.{name}"] = (engine, 0, 0)
        return found
    finally:
        client.close()
