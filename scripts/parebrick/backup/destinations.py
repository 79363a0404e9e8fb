"""Where a target's backups go, as the `File(...)`, `Disk(...)` or `S3(...)` of a BACKUP statement.

The embedded target writes into its backups directory (the only one its engine allows). A server writes to
a backup disk or an object store configured on the server: the client never names a path of its own there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from parebrick.profile import Target, project_dir

# The server's backup disk unless PAREBRICK_BACKUP_DISK names another (a `<backups><allowed_disk>` of its config).
DEFAULT_SERVER_DISK = "backups"


def quote(text: str) -> str:
    """A ClickHouse string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass(frozen=True)
class LocalFiles:
    """Backups of the embedded engine: one directory (or .tar) each in its backups directory, records beside."""

    root: Path

    @property
    def records(self) -> Path:
        return self.root

    def sql(self, name: str) -> str:
        return f"File({quote(str(self.root / name))})"

    def shown(self, name: str) -> str:
        return str(self.root / name)

    def leftovers(self) -> list[str]:
        """The backups in the directory, complete or not (a record tells the complete ones)."""
        if not self.root.is_dir():
            return []
        return sorted(entry.name for entry in self.root.iterdir()
                      if entry.is_dir() or entry.suffix == ".tar")


@dataclass(frozen=True)
class ServerDisk:
    """Backups on a disk the server's configuration declares for backups."""

    disk: str
    records: Path

    def sql(self, name: str) -> str:
        return f"Disk({quote(self.disk)}, {quote(name)})"

    def shown(self, name: str) -> str:
        return f"Disk({self.disk!r}, {name!r})"

    def leftovers(self) -> list[str]:
        # The client cannot list the server's disk: the server's system.backups tells what it was asked.
        return []


@dataclass(frozen=True)
class ServerS3:
    """Backups in an S3 bucket; the keys (if any) come from the environment and are never shown."""

    url: str
    records: Path
    key_id: str = ""
    secret: str = ""

    def sql(self, name: str) -> str:
        address = quote(self.url.rstrip("/") + "/" + name)
        if self.key_id:
            return f"S3({address}, {quote(self.key_id)}, {quote(self.secret)})"
        # Without keys the server uses the credentials its configuration holds for this endpoint.
        return f"S3({address})"

    def shown(self, name: str) -> str:
        return self.url.rstrip("/") + "/" + name

    def leftovers(self) -> list[str]:
        return []


Destination = LocalFiles | ServerDisk | ServerS3


def server_records(target: Target) -> Path:
    """Where the record of a server's backups is kept on this machine: PAREBRICK_BACKUP_RECORDS, else
    `.backup-records/<target>` in the project."""
    configured = os.environ.get("PAREBRICK_BACKUP_RECORDS")
    return Path(configured).expanduser() if configured else project_dir() / ".backup-records" / target.name


def destination_of(target: Target) -> Destination:
    """The backup destination of a target: its backups directory on the embedded engine; on a server the S3
    prefix PAREBRICK_BACKUP_S3_URL if set, else the server's backup disk (PAREBRICK_BACKUP_DISK)."""
    if target.is_embedded:
        return LocalFiles(target.backups_path())
    records = server_records(target)
    url = os.environ.get("PAREBRICK_BACKUP_S3_URL")
    if url:
        return ServerS3(url, records, os.environ.get("PAREBRICK_BACKUP_S3_ACCESS_KEY_ID", ""),
                        os.environ.get("PAREBRICK_BACKUP_S3_SECRET_ACCESS_KEY", ""))
    return ServerDisk(os.environ.get("PAREBRICK_BACKUP_DISK") or DEFAULT_SERVER_DISK, records)
