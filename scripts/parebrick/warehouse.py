"""Connect to the warehouse of a dbt target with clickhouse-connect: the same API on every target."""

from __future__ import annotations

from clickhouse_connect import get_client
from clickhouse_connect.driver.client import Client

from parebrick.embedded import open_client
from parebrick.profile import ProfileError, Target, load_target


def connect(target: str | Target | None = None, *, database: str | None = None) -> Client:
    """A client for the named target of the `parebrick` profile (default: the profile's default)."""
    resolved = target if isinstance(target, Target) else load_target(target)
    config = resolved.config
    if resolved.is_embedded:
        return open_client(resolved.warehouse_path(), database=database, backups=resolved.backups_path())
    if resolved.type != "clickhouse":
        raise ProfileError(f"target {resolved.name!r} has type {resolved.type!r}; expected chdb or clickhouse")
    secure = bool(config.get("secure", False))
    return get_client(
        host=str(config.get("host", "localhost")),
        port=int(config.get("port") or (8443 if secure else 8123)),
        username=str(config.get("user", "default")),
        password=str(config.get("password", "")),
        secure=secure,
        database=database or "",
        settings=dict(config.get("custom_settings") or {}),
    )
