"""What every warehouse command does first: open its target, or say in one line why it cannot."""

from __future__ import annotations

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError
from rich.console import Console

from parebrick.embedded import WarehouseBusyError
from parebrick.profile import ProfileError, Target, load_target
from parebrick.warehouse import connect


def open_target(console: Console, target_name: str | None) -> tuple[Target, Client] | None:
    """The target and a client on it, or None after printing the reason it cannot be opened."""
    try:
        target = load_target(target_name)
    except ProfileError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return None
    try:
        return target, connect(target)
    except WarehouseBusyError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
    except (ClickHouseError, OSError) as exc:
        where = "" if target.is_embedded else f" at {target.config.get('host')}:{target.config.get('port')}"
        console.print(f"[red]error:[/red] cannot open the warehouse of target {target.name!r}{where}: "
                      f"{root_cause(exc)}", highlight=False, soft_wrap=True)
    return None


def root_cause(exc: BaseException) -> str:
    """The innermost cause of a chain of errors, in one line (the outer ones only wrap it)."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return " ".join(str(exc).split()) or type(exc).__name__


def print_plain(console: Console, text: str) -> None:
    """Print one line as given: no markup and no highlighting, so SQL, paths and addresses print as they are."""
    console.print(text, highlight=False, soft_wrap=True, markup=False)
