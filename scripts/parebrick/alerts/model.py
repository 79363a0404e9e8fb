"""The values the alert modules pass each other: an alert as the view publishes it, an item to tell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

PRIORITIES = ("high", "usage")
# Worst first: what a subject names as the reason to open the message.
RULES = ("installation_down", "report_missing", "update_broken", "activity_drop", "empty_searches")
STATES = ("new", "repeat", "resolved")


@dataclass(frozen=True)
class Alert:
    alert_id: str
    cabinet: str
    client: str
    rule: str
    priority: str
    opened_at: datetime
    resolved_at: datetime | None
    recipients: tuple[str, ...]
    is_inhibited: bool


@dataclass(frozen=True)
class Item:
    """One alert told to one recipient in one state: the unit the ledger records once."""

    recipient: str
    priority: str
    alert_id: str
    state: str
    repeat_no: int
    cabinet: str
    client: str
    rule: str
    opened_at: datetime
    resolved_at: datetime | None

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.alert_id, self.state, self.repeat_no)


def rule_rank(rule: str) -> int:
    """How bad a rule is, 0 the worst; a rule this module does not know ranks last."""
    return RULES.index(rule) if rule in RULES else len(RULES)


def utc(value: datetime) -> datetime:
    """A time from the warehouse as an aware UTC datetime (the driver may return it naive)."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
