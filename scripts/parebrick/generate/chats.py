"""Omnichat chats for one simulated day, and the versioned item file the Omnichat API double serves.

Chats are drawn from the day's call arrivals (so they follow the same intraday curve in each territory's
local time and the same service mix), then given a channel, an outcome and timings:
  * `bot_only` — the bot answered and closed the chat; it never reached an operator. `queued_at` equals
    `created_at` (the bot's own queue), `accepted_at` and `operator_login` are null, no operator messages.
  * `lost` — handed over by the bot, the client left before an operator accepted; `accepted_at` and
    `operator_login` null, no operator messages.
  * `served` — accepted by an operator of the chat's service in the chat's territory team.
`first_response_sec` is the seconds from `created_at` to the contact center's first reply to the client:
the operator's first message for served chats, the bot's greeting (1–5 s) otherwise — the API always fills
it in, and a bot greeting is what a real Omnichat records for chats no operator saw.

Versions: every chat has a first version written shortly after it closed (`csat` null unless the client
rated at once). A share of chats gets a second version later (hours to days) with `csat` filled in or the
topic corrected by a supervisor, and a few a third; versions differ in `updated_at`, so the key
(`updated_at`, `chat_id`) is unique and the latest version is the one that counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from parebrick.generate.csvout import ts_sec
from parebrick.generate.customers import Accounts, pick
from parebrick.generate.names import CATEGORIES
from parebrick.generate.params import SimParams

CHANNELS = np.array(["web", "app", "telegram", "whatsapp", "vk"])
CHANNEL_P = np.array([0.25, 0.35, 0.20, 0.12, 0.08])
SERVED, LOST, BOT_ONLY = 0, 1, 2
STATUS_NAMES = np.array(["served", "lost", "bot_only"])
ITEM_FIELDS = ("chat_id", "channel", "territory_code", "service_code", "customer_id", "created_at", "queued_at",
               "accepted_at", "closed_at", "updated_at", "operator_login", "status", "messages_client",
               "messages_operator", "first_response_sec", "topic", "csat")


def topics_for(service: str) -> tuple[str, ...]:
    """The appeal categories a service's chats are about (the same list the CRM uses)."""
    for key in ("tech", "sales", "collections", "retention"):
        if service.startswith(key):
            return CATEGORIES[key]
    return CATEGORIES["default"]


@dataclass
class DayChats:
    """One row per chat (its final state), plus what the CRM and the truth need."""

    chat_id: np.ndarray        # str
    channel: np.ndarray        # str
    acct: np.ndarray           # index into Accounts
    territory: np.ndarray      # territory index (the account's)
    service: np.ndarray        # service code
    created: np.ndarray        # epoch seconds UTC
    queued: np.ndarray
    accepted: np.ndarray       # -1 if never accepted
    closed: np.ndarray
    status: np.ndarray         # SERVED / LOST / BOT_ONLY
    login: np.ndarray          # operator login or ""
    msg_client: np.ndarray
    msg_operator: np.ndarray
    first_response: np.ndarray
    topic: np.ndarray          # final topic
    csat: np.ndarray           # final csat, 0 = none


class ChatMaker:
    """Draws chats day by day; `items()` returns every version as API items."""

    def __init__(self, q_service: np.ndarray, q_terr: np.ndarray, q_national: np.ndarray, t_code: np.ndarray,
                 slot_team: np.ndarray, accounts: Accounts, params: SimParams) -> None:
        self.q_service, self.q_terr, self.q_national = q_service, q_terr, q_national
        self.t_code, self.acc, self.params = t_code, accounts, params
        self.slot_pool = [np.flatnonzero(slot_team == q) for q in range(len(q_service))]
        self.next_id = 1
        self.days: list[DayChats] = []
        self.version_parts: list[pd.DataFrame] = []

    def day(self, rng: np.random.Generator, contacts: dict, holder_logins: np.ndarray) -> DayChats:
        """Chats of one day, drawn around the day's call arrivals. `holder_logins[s]` is the login working
        slot `s` that day."""
        p = self.params
        n_calls = len(contacts["t0"])
        n = int(rng.poisson(n_calls * p.chats_per_call)) if n_calls else 0
        src = np.sort(rng.integers(0, max(n_calls, 1), n))   # calls are in time order: ids follow time
        q = contacts["q"][src] if n_calls else np.zeros(n, dtype=np.int64)
        created = contacts["t0"][src] // 1000 + rng.integers(-600, 600, n) if n_calls else np.zeros(n, np.int64)
        terr = np.where(self.q_national[q], self.acc.territory[rng.integers(0, len(self.acc.territory), n)],
                        self.q_terr[q])
        acct = pick(rng, self.acc, terr)
        channel = CHANNELS[rng.choice(len(CHANNELS), n, p=CHANNEL_P)]
        r = rng.random(n)
        status = np.where(r < p.chat_bot_only_share, BOT_ONLY,
                          np.where(r < p.chat_bot_only_share + p.chat_lost_share, LOST, SERVED))
        bot = status == BOT_ONLY
        served = status == SERVED
        queued = created + np.where(bot, 0, rng.integers(20, 120, n))
        wait = rng.exponential(p.chat_wait_mean_sec, n).astype(np.int64) + 5
        accepted = np.where(served, queued + wait, -1)
        handle = (rng.gamma(2.0, p.chat_handle_mean_sec / 2.0, n)).astype(np.int64) + 60
        closed = np.where(served, accepted + handle,
                          np.where(bot, created + rng.integers(30, 300, n),
                                   queued + rng.exponential(180.0, n).astype(np.int64) + 10))
        greeting = rng.integers(1, 6, n)
        first_response = np.where(served, accepted - created + rng.integers(5, 40, n), greeting)
        msg_client = 1 + rng.poisson(np.where(served, 6.0, np.where(bot, 2.0, 1.0)), n)
        msg_operator = np.where(served, 1 + rng.poisson(5.0, n), 0)
        login = np.full(n, "", dtype=object)
        for k in np.unique(q[served]):
            m = served & (q == k)
            pool = self.slot_pool[k] if len(self.slot_pool[k]) else np.arange(len(holder_logins))
            login[m] = holder_logins[pool[rng.integers(0, len(pool), int(m.sum()))]]
        service = self.q_service[q]
        topic_pick = rng.random(n)
        topic = np.empty(n, dtype=object)
        for svc in np.unique(service):
            m = service == svc
            options = np.array(topics_for(str(svc)), dtype=object)
            topic[m] = options[(topic_pick[m] * len(options)).astype(np.int64)]
        csat = np.where(~(status == LOST) & (rng.random(n) < p.chat_csat_share),
                        rng.choice(np.arange(1, 6), n, p=[0.06, 0.06, 0.13, 0.25, 0.50]), 0)
        ids = np.char.add("oc-", np.char.zfill((self.next_id + np.arange(n)).astype(str), 9))
        self.next_id += n
        chats = DayChats(ids, channel, acct, terr, service, created, queued, accepted, closed, status,
                         login.astype(str), msg_client, msg_operator, first_response, topic.astype(str), csat)
        self.version_parts.append(self._versions(rng, chats))
        self.days.append(chats)
        return chats

    def _versions(self, rng: np.random.Generator, c: DayChats) -> pd.DataFrame:
        """Every version of the day's chats: the first right after closing, later ones as updates."""
        p, n = self.params, len(c.chat_id)
        late_rating = (c.csat > 0) & (rng.random(n) < 0.6)         # rated only in a later version
        second = late_rating | (rng.random(n) < p.chat_update_share)
        third = second & (rng.random(n) < 0.1)
        retopic = second & ~late_rating                              # the supervisor corrected the topic
        first_topic = c.topic.copy()
        if retopic.any():
            alt = np.array([topics_for(s)[0] if topics_for(s)[0] != t else topics_for(s)[-1]
                            for s, t in zip(c.service[retopic], c.topic[retopic])])
            first_topic[retopic] = alt
        t1 = c.closed + rng.integers(1, 30, n)
        t2 = t1 + rng.integers(3600, 3 * 86400, n)
        t3 = t2 + rng.integers(600, 86400, n)
        base = {"chat_id": c.chat_id, "channel": c.channel, "territory_code": self.t_code[c.territory],
                "service_code": c.service, "customer_id": self.acc.customer_id[c.acct],
                "created_at": c.created, "queued_at": c.queued, "accepted_at": c.accepted, "closed_at": c.closed,
                "operator_login": c.login, "status": STATUS_NAMES[c.status], "messages_client": c.msg_client,
                "messages_operator": c.msg_operator, "first_response_sec": c.first_response}
        frames = []
        for version, mask, when in ((1, np.ones(n, bool), t1), (2, second, t2), (3, third, t3)):
            f = pd.DataFrame({k: v[mask] for k, v in base.items()})
            f["updated_at"] = when[mask]
            f["topic"] = (first_topic if version == 1 else c.topic)[mask]
            f["csat"] = np.where(late_rating & (version == 1), 0, c.csat)[mask]
            f["version"] = version
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    def items(self) -> pd.DataFrame:
        """All versions as API items (ISO-8601 UTC text, nulls as None), ordered by (updated_at, chat_id)."""
        if not self.version_parts:
            return pd.DataFrame(columns=list(ITEM_FIELDS))
        v = pd.concat(self.version_parts, ignore_index=True)
        v = v.sort_values(["updated_at", "chat_id"], kind="stable").reset_index(drop=True)
        out = pd.DataFrame({"chat_id": v["chat_id"], "channel": v["channel"], "territory_code": v["territory_code"],
                            "service_code": v["service_code"], "customer_id": v["customer_id"].astype(str)})
        for col in ("created_at", "queued_at", "accepted_at", "closed_at", "updated_at"):
            out[col] = _iso(v[col].to_numpy())
        out["operator_login"] = v["operator_login"].where(v["operator_login"] != "", None)
        out["status"] = v["status"]
        out["messages_client"] = v["messages_client"].astype(int)
        out["messages_operator"] = v["messages_operator"].astype(int)
        out["first_response_sec"] = v["first_response_sec"].astype(int)
        out["topic"] = v["topic"]
        out["csat"] = v["csat"].astype("Int64").where(v["csat"] > 0, pd.NA)
        return out[list(ITEM_FIELDS)]

    def version_count(self) -> tuple[int, int]:
        """(chats, versions)."""
        return sum(len(d.chat_id) for d in self.days), sum(len(f) for f in self.version_parts)


def _iso(sec: np.ndarray) -> np.ndarray:
    """`YYYY-MM-DDTHH:MM:SSZ` from epoch seconds; None where negative (never happened). A plain array, so
    assigning it into a frame never aligns on an index."""
    sec = np.asarray(sec, dtype=np.int64)
    text = pc.binary_join_element_wise(ts_sec(np.maximum(sec, 0), sep="T"), pa.scalar("Z"), "")
    return np.where(sec >= 0, text.to_numpy(zero_copy_only=False), None)


def write_jsonl(items: pd.DataFrame, path: Path) -> int:
    """One JSON object per line, keys in the API's order (ITEM_FIELDS), UTF-8, nulls as null; returns the
    number of lines. pandas' C JSON writer keeps this fast for millions of versions (it escapes `/` as `\\/`,
    valid JSON)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = items.to_json(orient="records", lines=True, force_ascii=False) if len(items) else ""
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_bytes(text.encode("utf-8"))
    return len(items)
