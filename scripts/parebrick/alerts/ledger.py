"""The ledger in the warehouse (`raw.smart_notifications`): each item planned before its message is sent,
marked sent once the SMTP server accepted the message.

Append-only, like the loader's batch log: a `planned` row per item, then a `sent` row per item of a message
the server accepted (one INSERT, so a message is marked whole or not at all). What the columns hold is
declared once, in `parebrick.load.schema.NOTIFICATION_COLUMNS`, from which dbt's source YAML is generated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

from clickhouse_connect.driver.client import Client

from parebrick.alerts.model import Item, utc
from parebrick.load.schema import NOTIFICATION_COLUMNS, NOTIFICATIONS_TABLE, RAW_DATABASE
from parebrick.load.sql import column_defs, ident, merge_tree, on_cluster, qualified

TABLE = qualified(RAW_DATABASE, NOTIFICATIONS_TABLE)
NAMES = [column.name for column in NOTIFICATION_COLUMNS]
ITEM_FIELDS = ("recipient", "priority", "alert_id", "state", "repeat_no", "cabinet", "client", "rule", "opened_at",
               "resolved_at")


@dataclass(frozen=True)
class Planned:
    """A message of the ledger: its id, the run clock it was planned at, its items, whether it was sent."""

    message_id: str
    as_of: datetime
    items: tuple[Item, ...]
    sent: bool


def ddl(cluster: str | None = None) -> list[str]:
    clause = on_cluster(cluster)
    return [
        f"CREATE DATABASE IF NOT EXISTS {ident(RAW_DATABASE)}{clause}",
        f"CREATE TABLE IF NOT EXISTS {TABLE}{clause} (\n    {column_defs(NOTIFICATION_COLUMNS)}\n)"
        # Read whole per recipient (what was told to whom); small next to any raw table.
        f" ENGINE = {merge_tree(cluster)} ORDER BY (recipient, alert_id, state, repeat_no, event_at)\n"
        "COMMENT 'Alert sender ledger: each item planned before its message is sent, marked sent when accepted.'",
    ]


def ensure(client: Client, cluster: str | None = None) -> None:
    for statement in ddl(cluster):
        client.command(statement)


def exists(client: Client) -> bool:
    return bool(client.command("EXISTS TABLE " + TABLE))


def read(client: Client) -> list[Planned]:
    """Every message the ledger holds, planned or sent (an absent ledger holds none)."""
    if not exists(client):
        return []
    result = client.query(
        f"SELECT message_id, any(as_of), {', '.join(ITEM_FIELDS)}, max(status = 'sent') "
        f"FROM {TABLE} GROUP BY message_id, {', '.join(ITEM_FIELDS)}"
    )
    items: dict[str, list[Item]] = defaultdict(list)
    as_of: dict[str, datetime] = {}
    sent: dict[str, bool] = {}
    for row in result.result_rows:
        message_id, planned_at, *fields, was_sent = row
        item = Item(**dict(zip(ITEM_FIELDS, fields)))
        items[message_id].append(_utc_item(item))
        as_of[message_id] = utc(planned_at)
        sent[message_id] = sent.get(message_id, False) or bool(was_sent)
    return [Planned(mid, as_of[mid], tuple(sorted(found, key=lambda i: i.key)), sent[mid])
            for mid, found in sorted(items.items(), key=lambda pair: (as_of[pair[0]], pair[0]))]


def record(client: Client, message_id: str, as_of: datetime, items: tuple[Item, ...], status: str) -> None:
    """One event (`planned` or `sent`) for every item of a message, in one INSERT."""
    now = datetime.now(timezone.utc)
    rows = [[message_id, *(getattr(item, name) for name in ITEM_FIELDS), as_of, now, status] for item in items]
    names = ["message_id", *ITEM_FIELDS, "as_of", "event_at", "status"]
    client.insert(NOTIFICATIONS_TABLE, rows, column_names=names, database=RAW_DATABASE)



def _utc_item(item: Item) -> Item:
    resolved = None if item.resolved_at is None else utc(item.resolved_at)
    return Item(**{**item.__dict__, "repeat_no": int(item.repeat_no), "opened_at": utc(item.opened_at),
                   "resolved_at": resolved})
