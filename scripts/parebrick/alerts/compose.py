"""The messages of a run: one per recipient and priority, listing that recipient's due items.

Everything in a message follows from its recipient, priority, items and the run clock it was planned at,
so a message re-sent after a crash is the same message, with the same Message-ID (mail clients drop the
copy). The Message-ID hashes the recipient, the priority and the exact set of (alert, state, repeat number).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from parebrick.alerts.model import PRIORITIES, Item, rule_rank

STATE_TITLES = {"new": "New", "repeat": "Still open", "resolved": "Resolved"}
STATE_WORDS = {"new": "new", "repeat": "still open", "resolved": "resolved"}
PRIORITY_TITLES = {"high": "high-priority", "usage": "usage"}
DOMAIN = "parebrick"


@dataclass(frozen=True)
class Message:
    message_id: str
    recipient: str
    priority: str
    as_of: datetime
    items: tuple[Item, ...]

    def count(self, state: str) -> int:
        return sum(item.state == state for item in self.items)

    @property
    def subject(self) -> str:
        return subject(self)

    @property
    def body(self) -> str:
        return body(self)

    def email(self, sender: str) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = sender
        mail["To"] = self.recipient
        mail["Subject"] = self.subject
        mail["Date"] = format_datetime(self.as_of)
        mail["Message-ID"] = self.message_id
        mail["X-Parebrick-Priority"] = self.priority
        mail.set_content(self.body)
        return mail


def message_id(recipient: str, priority: str, items: tuple[Item, ...]) -> str:
    lines = [recipient, priority, *sorted(f"{i.alert_id}\t{i.state}\t{i.repeat_no}" for i in items)]
    return f"<{hashlib.sha256(chr(10).join(lines).encode('utf-8')).hexdigest()[:40]}@{DOMAIN}>"


def messages(items: list[Item], as_of: datetime) -> list[Message]:
    """The items grouped into one message per recipient and priority, high priority first."""
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(item.recipient, item.priority)].append(item)
    order = sorted(groups, key=lambda key: (_priority_rank(key[1]), key[0]))
    return [message(recipient, priority, tuple(groups[(recipient, priority)]), as_of) for recipient, priority in order]


def message(recipient: str, priority: str, items: tuple[Item, ...], as_of: datetime,
            planned_id: str | None = None) -> Message:
    """The one message these items make; re-sent from the ledger, it keeps the id it was planned with."""
    ordered = tuple(sorted(items, key=_reading_order))
    return Message(planned_id or message_id(recipient, priority, ordered), recipient, priority, as_of, ordered)


def subject(message: Message) -> str:
    """`[high] CAB-1: 2 new, 1 still open, 1 resolved; worst installation_down at Client`: triage from the list."""
    cabinets = sorted({item.cabinet for item in message.items})
    where = ", ".join(cabinets[:3]) + (f" +{len(cabinets) - 3}" if len(cabinets) > 3 else "")
    counts = ", ".join(f"{message.count(state)} {STATE_WORDS[state]}" for state in STATE_TITLES if message.count(state))
    open_items = [item for item in message.items if item.state != "resolved"]
    worst = min(open_items or message.items, key=_reading_order)
    lead = "worst" if open_items else "was"
    return f"[{message.priority}] {where}: {counts}; {lead} {worst.rule} at {worst.client}"


def body(message: Message) -> str:
    lines = [f"Installation monitoring: {PRIORITY_TITLES.get(message.priority, message.priority)} alerts for "
             f"{message.recipient}, as of {_time(message.as_of)}.", ""]
    for state, title in STATE_TITLES.items():
        told = [item for item in message.items if item.state == state]
        if not told:
            continue
        lines.append(f"{title} ({len(told)}):")
        for item in told:
            detail = f"opened {_time(item.opened_at)}"
            if item.state == "repeat":
                detail += f", still open (reminder {item.repeat_no})"
            if item.resolved_at is not None:
                detail += f", resolved {_time(item.resolved_at)}"
            lines.append(f"  - {item.cabinet} / {item.client}: {item.rule}, {detail}  [alert {item.alert_id}]")
        lines.append("")
    lines.append("Each alert is told to you when it opens, again while it stays open, and once when it resolves. "
                 "Times are UTC.")
    return "\n".join(lines) + "\n"


def _reading_order(item: Item) -> tuple:
    return (rule_rank(item.rule), item.cabinet, item.client, item.opened_at, item.alert_id, item.state)


def _priority_rank(priority: str) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def _time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")
