"""What every warehouse command does first: open its target, or say in one line why it cannot."""

from __future__ import annotations

from clickhouse_connect.driver.client import Client
from rich.console import Console

from parebrick.embedded import WarehouseBusyError
from parebrick.profile import ProfileError, Target, load_target
from parebrick.warehouse import connect


def open_target(console: Console, target_name: str | None) -> tuple[Target, Client] | None:
    """The target and a client on it, or None after printing the reason it cannot be opened."""
    try:
        target = load_target(target_name)
        return target, connect(target)
    except (ProfileError, WarehouseBusyError) as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return None
