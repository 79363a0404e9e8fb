"""What is due in a run: each alert of `views.v_smart_alerts`, to each of its recipients, in the state it has
reached by the run's clock and has not been told in yet (the ledger says what was told)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from clickhouse_connect.driver.client import Client

from parebrick.alerts.ledger import Planned
from parebrick.alerts.model import Alert, Item, utc
from parebrick.layers import load_layers
from parebrick.profile import project_dir

VIEW = "v_smart_alerts"
COLUMNS = ("alert_id", "cabinet", "client", "rule", "priority", "opened_at", "resolved_at", "recipients",
           "is_inhibited")
REPEAT_VAR = "smart_repeat_hours"


class AlertsViewError(RuntimeError):
    """The published alerts view is missing or lacks a column of its contract."""


def repeat_hours(project: Path | None = None) -> float:
    """`var('smart_repeat_hours')` of dbt_project.yml: hours after which an open alert is told again."""
    path = (project or project_dir()) / "dbt_project.yml"
    value = ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("vars") or {}).get(REPEAT_VAR)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise AlertsViewError(f"{path}: vars.{REPEAT_VAR} must be a positive number of hours, got {value!r}")
    return float(value)


def views_database() -> str:
    return next(layer.database for layer in load_layers() if layer.name == "view")


def read_alerts(client: Client) -> list[Alert]:
    """Every row of the published alerts view (SELECT only: the view belongs to the models)."""
    database = views_database()
    found = {name for (name,) in client.query(
        "SELECT name FROM system.columns WHERE database = {db:String} AND table = {view:String}",
        parameters={"db": database, "view": VIEW}).result_rows}
    if not found:
        raise AlertsViewError(f"there is no {database}.{VIEW}: build the smart models first (dbt build)")
    missing = [name for name in COLUMNS if name not in found]
    if missing:
        raise AlertsViewError(f"{database}.{VIEW} lacks column {', '.join(missing)} of its contract")
    rows = client.query(f"SELECT {', '.join(COLUMNS)} FROM `{database}`.`{VIEW}` ORDER BY alert_id").result_rows
    return [Alert(alert_id=str(r[0]), cabinet=str(r[1]), client=str(r[2]), rule=str(r[3]), priority=str(r[4]),
                  opened_at=utc(r[5]), resolved_at=None if r[6] is None else utc(r[6]),
                  recipients=tuple(dict.fromkeys(a.strip() for a in r[7] if a and a.strip())),
                  is_inhibited=bool(r[8])) for r in rows]


def due_items(alerts: list[Alert], ledger: list[Planned], now: datetime, repeat_after: timedelta) -> list[Item]:
    """The items to tell now: new, repeat or resolved, none the ledger already holds (planned or sent)."""
    told: dict[tuple[str, str], list[tuple[Item, datetime]]] = defaultdict(list)
    for message in ledger:
        for item in message.items:
            told[(item.alert_id, item.recipient)].append((item, message.as_of))
    due: list[Item] = []
    for alert in alerts:
        if alert.is_inhibited or alert.opened_at > now:
            continue
        resolved = alert.resolved_at is not None and alert.resolved_at <= now
        for recipient in alert.recipients:
            before = told[(alert.alert_id, recipient)]
            if resolved:
                if not any(item.state == "resolved" for item, _ in before):
                    due.append(_item(alert, recipient, "resolved", 0))
                continue
            opens = [(item, at) for item, at in before if item.state in ("new", "repeat")]
            if not opens:
                due.append(_item(alert, recipient, "new", 0))
            elif now - max(at for _, at in opens) >= repeat_after:
                due.append(_item(alert, recipient, "repeat", max(item.repeat_no for item, _ in opens) + 1))
    return due


def _item(alert: Alert, recipient: str, state: str, repeat_no: int) -> Item:
    return Item(recipient=recipient, priority=alert.priority, alert_id=alert.alert_id, state=state,
                repeat_no=repeat_no, cabinet=alert.cabinet, client=alert.client, rule=alert.rule,
                opened_at=alert.opened_at, resolved_at=alert.resolved_at if state == "resolved" else None)

