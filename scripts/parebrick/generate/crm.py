"""CRM appeals (обращения) for one simulated day: call appeals registered by operators, chat appeals for
served Omnichat chats, and email, office and web appeals. Also the reconciliation facts (the placement of
each call appeal, `docs/metrics.md` `metric_reconciliation`).

Repeat appeals: a share `repeat_caller_share` of the day's call, email, office and web appeals comes from a
customer who appealed before, in the same category. The earlier appeal is looked up in the same territory
at a chosen gap: mostly anywhere within the FCR window, but a fixed part right at its edge (within an hour
either side of `FCR_WINDOW_SEC`), so first-contact resolution is below 100% and a warehouse that gets the
window boundary wrong disagrees with the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from parebrick.generate.chats import SERVED, DayChats
from parebrick.generate.csvout import ts_ru
from parebrick.generate.customers import Accounts, pick
from parebrick.generate.names import CATEGORIES, COMMENTS, SUBCATEGORIES
from parebrick.generate.params import SimParams

APPEAL_COLUMNS = ("appeal_id", "created_at", "channel", "contact_ref", "customer_id", "account_id",
                  "territory_code", "product_code", "service_code", "category", "subcategory", "status",
                  "resolved_at", "operator_login", "comment")
STATUSES = np.array(["resolved", "closed", "escalated", "in_progress", "new"])
STATUS_P = np.array([0.70, 0.10, 0.08, 0.07, 0.05])
MSK = 3 * 3600
FCR_WINDOW_SEC = 7 * 86400        # the `fcr_window_days` var's default (dbt_project.yml, docs/metrics.md)
EDGE_SHARE = 0.3                  # repeats placed within an hour of the window edge (half in, half out)
HISTORY_DAYS = 9                  # earlier appeals kept for repeat lookups (window + edge + margin)
FIRST_APPEAL_ID = 10_000_001      # the sample's appeal numbers: eight digits
APPEAL_ID_WIDTH = 10              # the CRM writes appeal numbers zero-padded to ten digits: 0010000001


def _categories(service: str) -> tuple[str, ...]:
    for key in ("tech", "sales", "collections", "retention"):
        if service.startswith(key):
            return CATEGORIES[key]
    return CATEGORIES["default"]


class AppealMaker:
    def __init__(self, queues: pd.DataFrame, territories: pd.DataFrame, products: pd.DataFrame,
                 services: pd.DataFrame, accounts: Accounts, params: SimParams,
                 login_of_resource: dict[int, str]) -> None:
        self.q_service = queues["service_code"].to_numpy()
        self.q_terr = territories.reset_index().set_index("territory_code").loc[queues["territory_code"], "index"].to_numpy()
        self.q_national = (queues.get("is_national", pd.Series(["0"] * len(queues))).astype(str) == "1").to_numpy()
        self.t_code = territories["territory_code"].to_numpy()
        self.t_offset = territories["utc_offset_hours"].to_numpy().astype(np.int64)
        self.p_code = products["product_code"].to_numpy()
        self.s_codes = services["service_code"].to_numpy()
        self.acc, self.params = accounts, params
        self.login = login_of_resource
        self.all_categories = sorted({c for cats in CATEGORIES.values() for c in cats})
        self.next_id = FIRST_APPEAL_ID
        self.history: list[dict] = []     # per day: territory, created, acct, category of its appeals

    def _repeats(self, rng: np.random.Generator, created: np.ndarray, acct: np.ndarray,
                 eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Turn a share of eligible appeals into repeats of earlier ones: returns (acct, category or "")."""
        category = np.full(len(created), "", dtype=object)
        if not self.history:
            return acct, category
        h = {k: np.concatenate([d[k] for d in self.history]) for k in self.history[0]}
        terr = self.acc.territory[acct]
        rep = eligible & (rng.random(len(created)) < self.params.repeat_caller_share)
        edge = rng.random(len(created)) < EDGE_SHARE
        gap = np.where(edge, FCR_WINDOW_SEC + rng.integers(-3600, 3600, len(created)),
                       rng.integers(1800, FCR_WINDOW_SEC - 3600, len(created)))
        target = created - gap
        acct = acct.copy()
        for t in np.unique(terr[rep]):
            hm = np.flatnonzero(h["terr"] == t)
            if not len(hm):
                continue
            hm = hm[np.argsort(h["created"][hm], kind="stable")]
            m = np.flatnonzero(rep & (terr == t))
            # The latest earlier appeal at or before the target moment (so the gap is at least the target).
            pos = np.searchsorted(h["created"][hm], target[m], side="right") - 1
            ok = pos >= 0
            src = hm[pos[ok]]
            acct[m[ok]] = h["acct"][src]
            category[m[ok]] = h["category"][src]
        return acct, category

    def day(self, rng: np.random.Generator, contacts: dict, facts: dict,
            chats: DayChats | None = None) -> tuple[dict, pd.DataFrame]:
        p = self.params
        handled = np.flatnonzero(facts["handled"])
        session = contacts["session"]
        reg = handled[rng.random(len(handled)) < p.register_share]
        dbl = reg[rng.random(len(reg)) < p.double_register_share]
        src = np.r_[reg, dbl]
        k = len(src)
        ref = session[src].astype(np.int64)
        kind = rng.random(k)
        wrong = kind < p.wrong_ref_share
        empty = (kind >= p.wrong_ref_share) & (kind < p.wrong_ref_share + p.empty_ref_share)
        aband = np.flatnonzero(facts["disp"] == 1)
        to_aband = (kind >= p.wrong_ref_share + p.empty_ref_share) & (
            kind < p.wrong_ref_share + p.empty_ref_share + p.abandoned_ref_share) & (len(aband) > 0)
        # A mistyped id: a digit dropped, so it can never be another call's sessionID (they have 13 digits).
        ref = np.where(wrong, ref // 10, ref)
        if len(aband):
            ref = np.where(to_aband, session[aband[rng.integers(0, len(aband), k)]], ref)
        q = facts["q"][src]
        terr = np.where(self.q_national[q], self.acc.territory[rng.integers(0, len(self.acc.territory), k)],
                        self.q_terr[q])
        acct = pick(rng, self.acc, terr)
        created = contacts["answer_ms"][src] // 1000 + rng.integers(15, 180, k)
        acct, call_cat = self._repeats(rng, created, acct, np.ones(k, dtype=bool))
        login = np.array([self.login.get(int(r), "") for r in contacts["agent"][src]], dtype=object)
        # Matched: the reference is a handled contact of this day (each contact counted once).
        valid = ~wrong & ~empty & ~to_aband
        call = {"created": created, "channel": np.full(k, "call"), "ref": ref.astype(str), "ref_empty": empty,
                "acct": acct, "service": self.q_service[q], "login": login, "handled": valid,
                "category": call_cat}
        matched_contacts = np.unique(src[valid])
        is_matched = np.zeros(len(session), dtype=bool)
        is_matched[matched_contacts] = True
        # Other channels.
        m = int(len(session) * (p.email_per_call + p.office_web_per_call))
        ch = np.where(rng.random(m) < p.email_per_call / (p.email_per_call + p.office_web_per_call), "email",
                      np.where(rng.random(m) < 0.5, "office", "web"))
        o_acct = rng.integers(0, len(self.acc.account_id), m)
        lo = int(contacts["t0"].min() // 1000) if len(session) else 0
        o_created = lo + rng.integers(0, 86400, m)
        o_acct, o_cat = self._repeats(rng, o_created, o_acct, np.ones(m, dtype=bool))
        other = {"created": o_created, "channel": ch, "ref": np.full(m, ""),
                 "ref_empty": np.ones(m, dtype=bool), "acct": o_acct,
                 "service": self.s_codes[rng.integers(0, len(self.s_codes), m)], "login": np.full(m, "", dtype=object),
                 "handled": np.zeros(m, dtype=bool), "category": o_cat}
        parts = [call, other]
        if chats is not None:
            reg = np.flatnonzero((chats.status == SERVED) & (rng.random(len(chats.chat_id)) < p.chat_register_share))
            parts.append({"created": chats.closed[reg] + rng.integers(10, 120, len(reg)),
                          "channel": np.full(len(reg), "chat"), "ref": chats.chat_id[reg].astype(str),
                          "ref_empty": np.zeros(len(reg), dtype=bool), "acct": chats.acct[reg],
                          "service": chats.service[reg], "login": chats.login[reg].astype(object),
                          "handled": np.ones(len(reg), dtype=bool), "category": chats.topic[reg].astype(object)})
        rows = {key: np.concatenate([part[key] for part in parts]) for key in call}
        appeals = self._rows(rng, rows)
        self.history.append({"terr": self.acc.territory[appeals["acct"]], "created": appeals["created_utc"],
                             "acct": appeals["acct"], "category": appeals["category"]})
        self.history = self.history[-HISTORY_DAYS:]

        # Reconciliation facts: handled contacts on the CMS side, call appeals placed per docs/metrics.md.
        svc_of_contact = self.q_service[facts["q"]]
        cms = pd.DataFrame({"day": facts["local_date"][handled], "service_code": svc_of_contact[handled],
                            "cms_handled": 1, "crm_call_appeals": 0, "matched": is_matched[handled].astype(int),
                            "cms_only": (~is_matched[handled]).astype(int), "crm_only": 0})
        own_day = (created + self.t_offset[self.acc.territory[acct]] * 3600) // 86400
        place_day = np.where(valid, facts["local_date"][src], own_day)
        place_svc = np.where(valid, svc_of_contact[src], self.q_service[q])
        crm = pd.DataFrame({"day": place_day, "service_code": place_svc, "cms_handled": 0, "crm_call_appeals": 1,
                            "matched": 0, "cms_only": 0, "crm_only": (~valid).astype(int)})
        return appeals, pd.concat([cms, crm])

    def _rows(self, rng: np.random.Generator, r: dict) -> dict:
        n = len(r["created"])
        order = np.argsort(r["created"], kind="stable")
        r = {k: v[order] for k, v in r.items()}
        ids = self.next_id + np.arange(n)
        self.next_id += n
        acct = r["acct"]
        status = STATUSES[rng.choice(len(STATUSES), n, p=STATUS_P)]
        resolved = np.isin(status, ["resolved", "closed"])
        resolved_at = r["created"] + np.where(rng.random(n) < 0.7, rng.integers(60, 900, n),
                                              rng.integers(3600, 5 * 86400, n))
        pick_c = rng.random(n)
        category = np.empty(n, dtype=object)
        for svc in np.unique(r["service"]):
            m = r["service"] == svc
            options = np.array(_categories(str(svc)), dtype=object)
            category[m] = options[(pick_c[m] * len(options)).astype(np.int64)]
        given = r["category"].astype(str) != ""
        category[given] = r["category"][given]
        category = category.astype(str)
        comment = np.where(rng.random(n) < self.params.comment_share,
                           np.array(COMMENTS)[rng.integers(0, len(COMMENTS), n)], "")
        return {
            "appeal_id": ids, "created_msk": r["created"] + MSK, "channel": r["channel"],
            "contact_ref": np.where(r["ref_empty"], "", r["ref"]),
            "customer_id": self.acc.customer_id[acct], "account_id": self.acc.account_id[acct],
            "territory_code": self.t_code[self.acc.territory[acct]], "product_code": self.p_code[self.acc.product[acct]],
            "service_code": r["service"], "category": category,
            "subcategory": np.array(SUBCATEGORIES)[rng.integers(0, len(SUBCATEGORIES), n)], "status": status,
            "resolved_msk": resolved_at + MSK, "resolved": resolved, "operator_login": r["login"].astype(str),
            "comment": comment, "created_utc": r["created"], "acct": acct, "handled": r["handled"].astype(bool),
        }


def appeal_columns(a: dict) -> dict:
    """The CRM export's columns (Moscow time, Russian date form); empty strings where nothing is known."""
    def text(values: np.ndarray) -> pa.Array:
        arr = pa.array(values.astype(str))
        return pa.compute.if_else(pa.array(values.astype(str) == ""), pa.scalar(None, pa.string()), arr)
    return {"appeal_id": appeal_number(a["appeal_id"]), "created_at": ts_ru(a["created_msk"]), "channel": a["channel"],
            "contact_ref": text(a["contact_ref"]), "customer_id": a["customer_id"], "account_id": a["account_id"],
            "territory_code": a["territory_code"], "product_code": a["product_code"], "service_code": a["service_code"],
            "category": a["category"], "subcategory": a["subcategory"], "status": a["status"],
            "resolved_at": ts_ru(a["resolved_msk"], missing=~a["resolved"]), "operator_login": text(a["operator_login"]),
            "comment": text(a["comment"])}


def appeal_number(ids: np.ndarray) -> np.ndarray:
    """The CRM's text form of appeal ids: fixed width, zero-padded. Script-run ids are the CRM's internal
    sequence numbers and are exported as plain numbers."""
    return np.char.zfill(np.asarray(ids).astype(str), APPEAL_ID_WIDTH)


SCRIPT_STEPS = {
    "default": ("identify", "verify_account", "clarify_request", "consult", "offer", "confirm", "close"),
    "tech": ("identify", "verify_account", "check_line", "check_equipment", "reboot_guide", "create_ticket", "close"),
    "sales": ("identify", "needs", "offer_tariff", "check_address", "book_installation", "close"),
    "collections": ("identify", "verify_account", "debt_info", "payment_options", "promise_to_pay", "close"),
    "retention": ("identify", "reason", "retention_offer", "confirm", "close"),
}
RESULTS = np.array(["done", "skipped", "failed"])


def script_runs(rng: np.random.Generator, a: dict, first_run_id: int,
                share: float) -> tuple[dict, np.ndarray, int]:
    """Operator script runs of call and chat appeals: a run per appeal (for `share` of them), one row per
    step, steps back to back ending when the appeal is created. Returns (columns, the appeal's creation in
    UTC seconds per row — the export day follows the appeal's, next run id); times are Moscow time in the
    CRM's `DD.MM.YYYY HH:MM:SS` form."""
    cand = np.flatnonzero(np.isin(a["channel"], ["call", "chat"]) & (rng.random(len(a["appeal_id"])) < share))
    names = list(SCRIPT_STEPS)
    svc, inv = np.unique(a["service_code"][cand], return_inverse=True)
    key_of_svc = np.array([names.index(next((k for k in names[1:] if str(x).startswith(k)), "default"))
                           for x in svc], dtype=np.int64)
    key = key_of_svc[inv] if len(cand) else np.zeros(0, dtype=np.int64)
    width = max(len(v) for v in SCRIPT_STEPS.values())
    table = np.array([list(v) + [""] * (width - len(v)) for v in SCRIPT_STEPS.values()], dtype=object)
    full = np.array([len(v) for v in SCRIPT_STEPS.values()], dtype=np.int64)[key]
    # An aborted script stops early (the caller's problem was solved or the call dropped).
    n_steps = np.where(rng.random(len(cand)) < 0.15, rng.integers(2, np.maximum(full, 3)), full)
    n_steps = np.minimum(n_steps, full)
    run = np.repeat(np.arange(len(cand)), n_steps)
    step_no = np.arange(len(run)) - np.repeat(np.cumsum(n_steps) - n_steps, n_steps) + 1
    step_code = table[key[run], step_no - 1]
    dur = rng.integers(10, 120, len(run))
    total = np.bincount(run, weights=dur, minlength=len(cand)).astype(np.int64)
    ends = np.cumsum(dur) - np.repeat(np.cumsum(total) - total, n_steps)   # seconds since run start
    created = a["created_msk"][cand]
    start0 = created - total - rng.integers(5, 60, len(cand))
    finished = start0[run] + ends
    started = finished - dur
    result = RESULTS[rng.choice(3, len(run), p=[0.9, 0.07, 0.03])]
    code = np.array(["SCR_" + k.upper() for k in names], dtype=object)[key]
    cols = {"run_id": first_run_id + run, "appeal_id": appeal_number(a["appeal_id"][cand][run]), "script_code": code[run],
            "step_no": step_no, "step_code": step_code, "started_at": ts_ru(started), "finished_at": ts_ru(finished),
            "result": result}
    return cols, a["created_utc"][cand][run], first_run_id + len(cand)
