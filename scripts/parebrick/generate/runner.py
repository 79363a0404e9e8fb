"""Runs the whole generation: WFM plan, day-by-day call simulation, extract files, defects, truth, manifest.

Output layout under `--out DIR`:
  DIR/inbox/<group>/<table>/<file>.csv[.gz]   the landing zone, formats per SOURCES.md
  DIR/truth/v_cc_service_daily.csv            ground truth, view column names (UTF-8, comma, NULL = empty)
  DIR/truth/v_crm_cms_reconciliation_daily.csv
  DIR/truth/v_appeal_funnel_monthly.csv, DIR/truth/README.md (how each truth column is computed)
  DIR/omnichat/chats.jsonl                    every version of every chat, served by `parebrick omnichat-api`
  DIR/manifest.json                           arguments, files, planted defects with counts
UCCX extracts are cut per Moscow-time day of the contact's start; CRM appeals per Moscow day of creation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rich.progress import Progress

from parebrick.generate import billing, calls, chats, crm, customers, dictionaries, funnel as funnel_truth, uccx, workforce
from parebrick.generate.csvout import Inbox, date_str, insert_lines, to_csv_bytes, ts_sec
from parebrick.generate.params import RunSpec, SimParams
from parebrick.generate.rng import stream
from parebrick.generate.truth import Truth

SESSION_BASE = 1_000_000_000_000
UCCX_TABLES = {"ccd": ("uccx_contact_call_detail", "ContactCallDetail", uccx.CCD_COLUMNS),
               "cqd": ("uccx_contact_queue_detail", "ContactQueueDetail", uccx.CQD_COLUMNS),
               "acd": ("uccx_agent_connection_detail", "AgentConnectionDetail", uccx.ACD_COLUMNS)}


def _day_name(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).strftime("%Y%m%d")


class Defects:
    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, kind: str, table: str, file: str, rows: int, note: str) -> None:
        self.items.append({"kind": kind, "table": table, "file": file, "rows": rows, "note": note})

    def summary(self) -> dict:
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for d in self.items:
            out[d["kind"]][d["table"]] += d["rows"]
        return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def _malformed_lines(data: bytes, rng: np.random.Generator, count: int, ts_col: int, num_col: int,
                     delimiter: bytes = b",") -> list[tuple[str, bytes]]:
    """Corrupted copies of real data rows: a bad date, text in a number, a wrong column count."""
    lines = data.split(b"\n")[1:-1]
    out = []
    kinds = ("bad_date", "text_in_number", "wrong_column_count")
    for k in range(count):
        fields = lines[int(rng.integers(0, len(lines)))].split(delimiter)
        kind = kinds[k % 3]
        if kind == "bad_date":
            fields[ts_col] = b"2025-02-30 25:61:00.000"
        elif kind == "text_in_number":
            fields[num_col] = b"n/a"
        else:
            fields = fields[:-2]
        out.append((kind, delimiter.join(fields)))
    return out


def generate(spec: RunSpec, params: SimParams | None = None, progress: bool = True) -> dict:
    params = params or SimParams()
    dicts = dictionaries.load(spec.seeds_dir)
    dicts.calendar_days(spec.start_date, spec.days)
    out = spec.out
    inbox = Inbox(out / "inbox", gzip=spec.gzip)
    defects = Defects()
    wf = workforce.build(dicts, spec, params)
    sim = calls.Simulator(dicts, spec, params, wf)
    truth = Truth(dicts.queues)
    accounts = customers.build(dicts, spec, params, wf.start_day)
    res_ids = wf.resource_of_version
    ext_of_resource = np.zeros(int(res_ids.max()) + 1, dtype=np.int64)
    ext_of_resource[res_ids] = 70000 + np.array([v[0] for v in wf.versions])
    login_of_resource = {int(r): wf.op_login[v[0]] for r, v in zip(res_ids, wf.versions)}
    appeals = crm.AppealMaker(dicts.queues, dicts.territories, dicts.products, dicts.services, accounts, params,
                              login_of_resource)
    funnel = funnel_truth.Funnel(dicts.territories, dicts.products, accounts)
    chat_maker = chats.ChatMaker(appeals.q_service, appeals.q_terr, appeals.q_national, appeals.t_code,
                                 wf.slot_team, accounts, params)
    edited = int(stream(spec.seed, "queue-edit").integers(0, len(dicts.queues)))
    edit_ms = (wf.start_day + spec.days // 2) * 86400_000 + 3 * 3600_000
    qv = uccx.QueueVersions(dicts, edited, edit_ms)

    buffers: dict[str, dict[int, list[pa.Table]]] = {k: defaultdict(list) for k in UCCX_TABLES}
    crm_buf: dict[int, list[dict]] = defaultdict(list)
    runs_buf: dict[int, list[pa.Table]] = defaultdict(list)
    first_xday = wf.start_day - 1
    last_xday = wf.start_day + spec.days
    dup_day, overlap_day, malformed_day = first_xday + 2, first_xday + 3, first_xday + 4
    late_carry: pa.Table | None = None
    prev_cqd: pa.Table | None = None
    drng = stream(spec.seed, "defects")

    def flush_uccx(xday: int) -> None:
        nonlocal late_carry, prev_cqd
        for key, (table, prefix, columns) in UCCX_TABLES.items():
            parts = buffers[key].pop(xday, [])
            tab = pa.concat_tables(parts) if parts else None
            if tab is None:
                continue
            tab = tab.take(pc.sort_indices(tab, [("startDateTime", "ascending"), ("sessionID", "ascending"),
                                                 ("sessionSeqNum", "ascending")]))
            name = f"{prefix}_{_day_name(xday)}"
            if key == "acd":
                if late_carry is not None:
                    defects.add("late_arriving", table, name, late_carry.num_rows,
                                "rows of the previous extract day delivered in this file")
                    tab = pa.concat_tables([tab, late_carry])
                    late_carry = None
                if xday < last_xday - 1 and xday >= first_xday + 1:
                    late = drng.random(tab.num_rows) < params.late_row_share
                    if late.any():
                        late_carry = tab.filter(pa.array(late))
                        tab = tab.filter(pa.array(~late))
            if key == "cqd":
                whole = tab
                if xday == overlap_day and prev_cqd is not None:
                    cut = (_day_name(xday - 1)[:4] + "-" + _day_name(xday - 1)[4:6] + "-" + _day_name(xday - 1)[6:])
                    tail = prev_cqd.filter(pc.greater_equal(prev_cqd["startDateTime"],
                                                            pa.scalar(_tail_start(xday, params.overlap_minutes))))
                    del cut
                    if tail.num_rows:
                        tab = pa.concat_tables([tail, tab])
                        defects.add("overlap", table, name, tail.num_rows,
                                    f"last {params.overlap_minutes} minutes of the previous extract repeated")
                prev_cqd = whole
            data = to_csv_bytes({c: tab[c] for c in columns})
            rows = tab.num_rows
            if xday == malformed_day and params.malformed_rows_per_table:
                ts_col = columns.index("startDateTime")
                num_col = columns.index({"ccd": "connectTime", "cqd": "queueTime", "acd": "talkTime"}[key])
                bad = _malformed_lines(data, drng, params.malformed_rows_per_table, ts_col, num_col)
                data = insert_lines(data, min(5, rows), [b for _, b in bad])
                for kind, _ in bad:
                    defects.add("malformed", table, name, 1, f"{kind}: corrupted extra copy of a row delivered intact")
                rows += len(bad)
            inbox.write("cms", table, name, data, rows)
            if key == "ccd" and xday == dup_day:
                inbox.write("cms", table, name + "_resend", data, rows)
                defects.add("duplicate_file", table, name + "_resend", rows, f"byte-identical copy of {name}")

    def flush_crm(xday: int) -> None:
        run_parts = runs_buf.pop(xday, [])
        if run_parts:
            runs = pa.concat_tables(run_parts)
            runs = runs.take(pc.sort_indices(runs, [("run_id", "ascending"), ("step_no", "ascending")]))
            inbox.write("crm", "script_runs", f"script_runs_{_day_name(xday)}",
                        to_csv_bytes({c: runs[c] for c in runs.column_names}, delimiter=";", encoding="cp1251"),
                        runs.num_rows)
        parts = crm_buf.pop(xday, [])
        if not parts:
            return
        a = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        order = np.argsort(a["created_utc"], kind="stable")
        a = {k: v[order] for k, v in a.items()}
        data = to_csv_bytes(crm.appeal_columns(a), delimiter=";", encoding="cp1251")
        name = f"appeals_{_day_name(xday)}"
        rows = len(a["appeal_id"])
        if a["update"].any():
            defects.add("redelivered_updated", "appeals", name, int(a["update"].sum()),
                        "appeals exported earlier unresolved, re-sent with their final status (latest file wins)")
        if xday == malformed_day:
            first = data.split(b"\r\n")[0]
            lines = []
            for k, kind in enumerate(("bad_date", "text_in_number", "wrong_column_count")):
                i = k * 7 % rows
                aid = str(a["appeal_id"][i]).encode()
                date = "31.02.2025 10:00:00".encode() if kind == "bad_date" else b"01.01.2025 10:00:00"
                ident = b"N/A" if kind == "text_in_number" else aid
                cells = [ident, date, b"call", b"", str(a["customer_id"][i]).encode(), str(a["account_id"][i]).encode(),
                         a["territory_code"][i].encode(), a["product_code"][i].encode(), a["service_code"][i].encode()]
                if kind != "wrong_column_count":
                    cells += [b"x", b"y", b"new", b"", b"", b""]
                lines.append(b";".join(cells) + b"\n")
                defects.add("malformed", "appeals", name, 1, f"{kind}: corrupted extra copy of appeal {aid.decode()}")
            del first
            data = data + b"".join(lines)
            rows += 3
        inbox.write("crm", "appeals", name, data, rows)
        if xday == dup_day:
            inbox.write("crm", "appeals", name + "_resend", data, rows)
            defects.add("duplicate_file", "appeals", name + "_resend", rows, f"byte-identical copy of {name}")

    next_session = SESSION_BASE
    next_run = 5_000_001
    with Progress(disable=not progress, transient=False) as bar:
        task = bar.add_task("simulating days", total=spec.days)
        for d in range(spec.days):
            day = sim.day(d, next_session)
            next_session = day.next_session
            facts = truth.add_day(day.contacts, day.qrows, day.arows)
            arng = stream(spec.seed, "crm", d)
            holder_logins = np.array([login_of_resource[int(r)] for r in wf.holder_resource[d]], dtype=object)
            day_chats = chat_maker.day(stream(spec.seed, "chats", d), day.contacts, holder_logins)
            ap, recon = appeals.day(arng, day.contacts, facts, day_chats)
            truth.add_recon(recon)
            funnel.add_appeals(ap)
            _buffer_appeals(ap, stream(spec.seed, "appeal-updates", d), params.appeal_update_share, crm_buf)
            runs, run_created, next_run = crm.script_runs(stream(spec.seed, "script-runs", d), ap, next_run,
                                                          params.script_run_share)
            run_tab, run_day = pa.table(runs), uccx.msk_day(run_created * 1000)
            for xd in np.unique(run_day):
                runs_buf[int(xd)].append(run_tab.filter(pa.array(run_day == xd)))
            s, nd = day.contacts["session"], day.contacts["node"]
            trng = stream(spec.seed, "uccx-text", d)
            tables = {"ccd": (uccx.ccd_table(day.legs, qv, trng, ext_of_resource), day.legs["start"]),
                      "cqd": (uccx.cqd_table(day.qrows, s, nd, qv), day.contacts["t0"][day.qrows["contact"]]),
                      "acd": (uccx.acd_table(day.arows, s, nd, trng), day.contacts["t0"][day.arows["contact"]])}
            for key, (cols, when) in tables.items():
                tab = pa.table(cols)
                xdays = uccx.msk_day(when)
                for xd in np.unique(xdays):
                    buffers[key][int(xd)].append(tab.filter(pa.array(xdays == xd)))
            complete = wf.start_day + d - 1
            for xd in sorted(set(buffers["ccd"]) | set(buffers["cqd"]) | set(buffers["acd"])):
                if xd <= complete:
                    flush_uccx(xd)
            for xd in sorted(set(crm_buf) | set(runs_buf)):
                if xd <= complete:
                    flush_crm(xd)
            bar.advance(task)
        for xd in sorted(set(buffers["ccd"]) | set(buffers["cqd"]) | set(buffers["acd"])):
            flush_uccx(xd)
        for xd in sorted(set(crm_buf) | set(runs_buf)):
            flush_crm(xd)

    _write_static(inbox, dicts, wf, qv, accounts, spec, defects)
    b2b = dicts.products["segment"].to_numpy() == "b2b"
    for month, cols, rows in billing.charges(accounts, spec.seed, wf.start_day, spec.days, b2b):
        inbox.write("brm", "charges", f"charges_{month.replace('-', '')}", to_csv_bytes(cols), rows)
    for month, cols, rows in billing.payments(accounts, spec.seed, wf.start_day, spec.days):
        inbox.write("brm", "payments", f"payments_{month.replace('-', '')}", to_csv_bytes(cols), rows)
    chat_items = chat_maker.items()
    n_chats, n_versions = chat_maker.version_count()
    chats.write_jsonl(chat_items, out / "omnichat" / "chats.jsonl")
    defects.add("redelivered_newer", "omnichat_chats", "omnichat/chats.jsonl", n_versions - n_chats,
                "later versions of chats (newer updated_at: csat filled in or topic corrected); the latest wins")
    truth_dir = out / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    sd = truth.service_daily(dicts.services, dicts.territories)
    sd.to_csv(truth_dir / "v_cc_service_daily.csv", index=False, lineterminator="\n")
    rc = truth.reconciliation(dicts.services)
    rc.to_csv(truth_dir / "v_crm_cms_reconciliation_daily.csv", index=False, lineterminator="\n")
    fn = funnel.frame()
    fn.to_csv(truth_dir / "v_appeal_funnel_monthly.csv", index=False, lineterminator="\n")
    (truth_dir / "README.md").write_text(truth_readme(), encoding="utf-8")
    manifest = {
        "generator": "parebrick generate",
        "arguments": {"start_date": spec.start_date.isoformat(), "days": spec.days,
                      "calls_per_day": spec.calls_per_day, "seed": spec.seed, "gzip": spec.gzip},
        "time_zones": {"uccx": "UTC", "crm": "Europe/Moscow (UTC+3), DD.MM.YYYY HH:MM:SS",
                       "wfm": "local time of the operator's territory", "brm": "ISO 8601 with +03:00"},
        "edited_queue": {"csq_id": int(dicts.queues["csq_id"].iloc[edited]), "old_recordID": edited + 1,
                         "new_recordID": qv.new_record, "from_utc": pa.array([edit_ms]).cast(pa.timestamp("ms")).cast(pa.string())[0].as_py()},
        "defects": defects.items,
        "defect_counts": defects.summary(),
        "truth": {"v_cc_service_daily": "truth/v_cc_service_daily.csv",
                  "v_crm_cms_reconciliation_daily": "truth/v_crm_cms_reconciliation_daily.csv",
                  "v_appeal_funnel_monthly": "truth/v_appeal_funnel_monthly.csv",
                  "definitions": "truth/README.md",
                  "rounding": "means and percentages rounded to 6 decimals; empty = NULL"},
        "files": inbox.files,
        "omnichat": {"file": "omnichat/chats.jsonl", "chats": n_chats, "versions": n_versions,
                     "served_by": "parebrick omnichat-api --data DIR"},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                                       encoding="utf-8")
    return manifest


def _buffer_appeals(ap: dict, rng: np.random.Generator, share: float, crm_buf: dict[int, list[dict]]) -> None:
    """Queue the day's appeals for their Moscow-day files. A share of appeals resolved more than an hour after
    creation is exported first as still open (`in_progress` or `escalated`, no `resolved_at`) and again, with
    the final status, in the file of the day it was resolved (at least the next file): the latest file wins."""
    n = len(ap["appeal_id"])
    late = ap["resolved"] & (ap["resolved_msk"] - ap["created_msk"] > 3600) & (rng.random(n) < share)
    interim = dict(ap)
    interim["status"] = np.where(late, np.array(["in_progress", "escalated"])[rng.integers(0, 2, n)], ap["status"])
    interim["resolved"] = ap["resolved"] & ~late
    interim["update"] = np.zeros(n, dtype=bool)
    created_day = uccx.msk_day(ap["created_utc"] * 1000)
    for xd in np.unique(created_day):
        m = created_day == xd
        crm_buf[int(xd)].append({k: v[m] for k, v in interim.items()})
    final = {k: v[late] for k, v in ap.items()}
    final["update"] = np.ones(int(late.sum()), dtype=bool)
    resolved_utc = final["resolved_msk"] - crm.MSK
    update_day = np.maximum(uccx.msk_day(resolved_utc * 1000), created_day[late] + 1)
    for xd in np.unique(update_day):
        m = update_day == xd
        crm_buf[int(xd)].append({k: v[m] for k, v in final.items()})


def truth_readme() -> str:
    """truth/README.md: how the truth files are computed (the funnel's choices are in funnel.py)."""
    from parebrick.generate import funnel as funnel_module, truth as truth_module
    return ("# Ground truth\n\n"
            "Computed by `parebrick generate` from the simulation's own events in Python, never by reading the\n"
            "extracts back and never by SQL. UTF-8, comma-separated, empty = NULL, column names as in\n"
            "shared METRICS.md's published views; the rows are what the warehouse must produce from the inbox.\n\n"
            "## v_cc_service_daily, v_crm_cms_reconciliation_daily\n\n" + _dedent(truth_module.__doc__) +
            "\n## v_appeal_funnel_monthly\n\n" + _dedent(funnel_module.__doc__))


def _dedent(doc: str | None) -> str:
    import textwrap
    first, _, rest = (doc or "").partition("\n")
    return first.strip() + "\n" + textwrap.dedent(rest).strip() + "\n"


def _tail_start(xday: int, minutes: int) -> str:
    """UTC text of the moment `minutes` before the extract day starts (midnight Moscow time)."""
    ms = (xday * 86400 - 3 * 3600 - minutes * 60) * 1000
    return pa.array([ms]).cast(pa.timestamp("ms")).cast(pa.string())[0].as_py()


def _write_static(inbox: Inbox, dicts, wf: workforce.Workforce, qv: uccx.QueueVersions, acc, spec: RunSpec,
                  defects: Defects) -> None:
    """Resource, ContactServiceQueue, WFM staff, schedules, forecasts and billing accounts."""
    end_name = _day_name(wf.start_day + spec.days - 1)
    res = uccx.resource_table(wf)
    inbox.write("cms", "uccx_resource", f"Resource_{end_name}", to_csv_bytes(res), len(res["resourceID"]))
    csq = qv.table()
    inbox.write("cms", "uccx_contact_service_queue", f"ContactServiceQueue_{end_name}", to_csv_bytes(csq),
                len(csq["recordID"]))
    q = dicts.queues
    team_names = np.array([s.removeprefix("CSQ_") for s in q["csq_name"]])
    ops = np.array([v[0] for v in wf.versions])
    vq = np.array([v[1] for v in wf.versions])
    vfrom = np.array([v[2] for v in wf.versions])
    fired = wf.op_fired[ops]
    staff = {"operator_login": [wf.op_login[o] for o in ops], "resource_login_id": [wf.op_login[o] for o in ops],
             "full_name": [wf.op_name[o] for o in ops], "team": team_names[vq],
             "service_code": q["service_code"].to_numpy()[vq], "territory_code": q["territory_code"].to_numpy()[vq],
             "rate": [f"{r:.2f}" for r in wf.op_rate[ops]], "hired_at": date_str(wf.op_hired[ops]),
             "fired_at": date_str(np.maximum(fired, 0), missing=fired < 0), "valid_from": date_str(vfrom)}
    inbox.write("wfm", "staff", f"staff_{end_name}", to_csv_bytes(staff), len(ops))
    sh = wf.shifts
    acts = np.array(["work", "break", "training", "meeting", "absence"])
    order = np.lexsort((sh["start_min"], sh["day"], sh["operator"]))
    sh = {k: v[order] for k, v in sh.items()}
    week = (sh["day"] - wf.start_day) // 7
    for w in np.unique(week):
        m = week == w
        cols = {"operator_login": np.array(wf.op_login)[sh["operator"][m]], "shift_date": date_str(sh["day"][m]),
                "activity": acts[sh["activity"][m]],
                "activity_start": ts_sec(sh["day"][m] * 86400 + sh["start_min"][m] * 60),
                "activity_end": ts_sec(sh["day"][m] * 86400 + sh["end_min"][m] * 60)}
        inbox.write("wfm", "schedules", f"schedules_week{int(w) + 1:02d}", to_csv_bytes(cols), int(m.sum()))
    for pub in wf.forecast_pubs:
        days = pub["days"]
        qq, dd, ii = np.meshgrid(np.arange(len(q)), np.arange(len(days)), np.arange(workforce.INTERVALS), indexing="ij")
        qq, dd, ii = qq.ravel(), dd.ravel(), ii.ravel()
        f = wf.forecast[qq, days[dd], ii] * pub["factor"][qq, dd, ii]
        day_abs = wf.start_day + days[dd]
        pub_min = pub["pub_min"][dd]
        cols = {"service_code": q["service_code"].to_numpy()[qq], "territory_code": q["territory_code"].to_numpy()[qq],
                "interval_start": ts_sec(day_abs * 86400 + ii * 1800),
                "forecast_offered": [f"{x:.2f}" for x in f], "forecast_aht_sec": np.round(wf.aht_sec[qq]).astype(int),
                "required_agents": wf.required[qq, days[dd], ii],
                "published_at": ts_sec(wf.start_day * 86400 + pub_min * 60)}
        inbox.write("wfm", "forecasts", f"forecasts_{pub['name']}", to_csv_bytes(cols), len(qq))
    _write_accounts(inbox, dicts, acc, wf.start_day, spec, defects)


def _write_accounts(inbox: Inbox, dicts, acc, start_day: int, spec: RunSpec, defects: Defects) -> None:
    """A snapshot at the start (active state), then one delta with activations and churn, then a stale
    re-send of some churned accounts' old rows (older updated_at: must not win)."""
    t_code = dicts.territories["territory_code"].to_numpy()
    p_code = dicts.products["product_code"].to_numpy()
    rng = stream(spec.seed, "accounts-files")

    def cols(idx: np.ndarray, deact: np.ndarray, updated: np.ndarray) -> dict:
        status = np.where(deact >= 0, "closed", "active")
        return {"account_id": acc.account_id[idx], "customer_id": acc.customer_id[idx],
                "territory_code": t_code[acc.territory[idx]], "product_code": p_code[acc.product[idx]],
                "tariff_code": np.char.add(np.char.add(p_code[acc.product[idx]].astype(str), "_t"),
                                           (acc.account_id[idx] % 4 + 1).astype(str)),
                "activated_at": date_str(acc.activated[idx]), "deactivated_at": date_str(np.maximum(deact, 0), missing=deact < 0),
                "status": status, "updated_at": ts_sec(updated, sep="T")}

    def fmt(c: dict) -> dict:
        c["updated_at"] = pc.binary_join_element_wise(c["updated_at"], pa.scalar("+03:00"), "")
        return c

    old = np.flatnonzero(acc.activated < start_day)
    upd_old = (acc.activated[old] * 86400 + 43200 + rng.integers(0, 3600, len(old))) - 3 * 3600 + 3 * 3600
    inbox.write("brm", "accounts", f"accounts_{_day_name(start_day - 1)}_full",
                to_csv_bytes(fmt(cols(old, np.full(len(old), -1), upd_old))), len(old))
    changed = np.flatnonzero((acc.activated >= start_day) | (acc.deactivated >= 0))
    upd = np.where(acc.deactivated[changed] >= 0, acc.deactivated[changed], acc.activated[changed]) * 86400 + 50000
    inbox.write("brm", "accounts", f"accounts_{_day_name(start_day + spec.days - 1)}_delta",
                to_csv_bytes(fmt(cols(changed, acc.deactivated[changed], upd))), len(changed))
    defects.add("redelivered_newer", "accounts", f"accounts_{_day_name(start_day + spec.days - 1)}_delta",
                int((acc.deactivated[changed] >= 0).sum() - ((acc.deactivated[changed] >= 0) & (acc.activated[changed] >= start_day)).sum()),
                "accounts re-delivered closed with a newer updated_at")
    churned_old = np.flatnonzero((acc.deactivated >= 0) & (acc.activated < start_day))[:5]
    if len(churned_old):
        stale = cols(churned_old, np.full(len(churned_old), -1), acc.activated[churned_old] * 86400 + 43200 + 1)
        inbox.write("brm", "accounts", f"accounts_{_day_name(start_day + spec.days)}_resend",
                    to_csv_bytes(fmt(stale)), len(churned_old))
        defects.add("stale_redelivery", "accounts", f"accounts_{_day_name(start_day + spec.days)}_resend",
                    len(churned_old), "old versions re-sent after the delta (older updated_at must not win)")
