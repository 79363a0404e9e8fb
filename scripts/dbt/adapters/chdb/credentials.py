"""Credentials of the embedded target: a data directory instead of a host."""

from dataclasses import dataclass

from dbt.adapters.clickhouse.credentials import ClickHouseCredentials


@dataclass
class ChdbCredentials(ClickHouseCredentials):
    # Where the embedded engine keeps its data; relative paths are taken from the working directory,
    # as dbt itself does for every path in a profile.
    path: str = ".warehouse"
    # Where BACKUP/RESTORE may write and read (parebrick backup); empty: beside `path` (see parebrick.embedded).
    backups: str = ""

    @property
    def type(self) -> str:
        return "chdb"

    @property
    def unique_field(self) -> str:
        return self.path

    def _connection_keys(self):
        return ("path", "backups", "schema", "retries", "custom_settings", "use_lw_deletes", "check_exchange")
