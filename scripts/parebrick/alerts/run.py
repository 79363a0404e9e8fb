"""A run of the sender, in the order that makes reruns and crashes safe.

1. Messages planned by an earlier run and never marked sent (it was killed) go first, exactly as planned.
2. The items due now are grouped into messages, and ALL of them are written to the ledger as `planned`
   before the first is sent.
3. Each message is sent; once the server accepts it, its items are marked `sent`.

A kill at any point loses nothing: the next run sends every planned message not marked sent. At most the
message in flight (accepted by the server, not yet marked) goes twice, with the same Message-ID.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from clickhouse_connect.driver.client import Client

from parebrick.alerts import compose, ledger
from parebrick.alerts.compose import Message
from parebrick.alerts.due import due_items, read_alerts
from parebrick.alerts.transport import SmtpTransport


@dataclass
class Plan:
    pending: list[Message]   # planned by an earlier run, not sent
    new: list[Message]       # due now, not planned yet

    @property
    def messages(self) -> list[Message]:
        return [*self.pending, *self.new]


@dataclass
class Outcome:
    sent: list[Message] = field(default_factory=list)
    error: BaseException | None = None


def plan(client: Client, now: datetime, repeat_after: timedelta) -> Plan:
    """What this run would send: nothing is written."""
    told = ledger.read(client)
    pending = [compose.message(m.items[0].recipient, m.items[0].priority, m.items, m.as_of, m.message_id)
               for m in told if not m.sent]
    return Plan(pending, compose.messages(due_items(read_alerts(client), told, now, repeat_after), now))


def send(client: Client, transport: SmtpTransport, the_plan: Plan,
         on_sent: Callable[[Message], None] | None = None) -> Outcome:
    """Write the new messages as planned, then send every message of the plan, marking each once accepted."""
    for message in the_plan.new:
        ledger.record(client, message.message_id, message.as_of, message.items, "planned")
    outcome = Outcome()
    try:
        with transport:
            for message in the_plan.messages:
                transport.send(message.email(transport.settings.sender), message.recipient)
                ledger.record(client, message.message_id, message.as_of, message.items, "sent")
                outcome.sent.append(message)
                if on_sent:
                    on_sent(message)
    except Exception as exc:  # noqa: BLE001 - the SMTP or network error is reported, the rest stays planned
        outcome.error = exc
    return outcome
