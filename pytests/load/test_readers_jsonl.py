"""The JSON-lines reader: one JSON object a line, typed and checked like CSV, every line accounted for."""

from __future__ import annotations

import gzip
import random
import string
import json
from datetime import datetime

from loadkit import client, put, rows, warehouse_dir  # noqa: F401 (fixtures)

from parebrick.load.runner import load_inbox
from parebrick.load.schema import Column, Format, Freshness, Table

SMART_JSONL = Format("smart_jsonl", reader="jsonl", time_format="%d.%m.%Y %H:%i:%s", keep_extra_columns=True,
                     suffixes=(".jsonl", ".jsonl.gz"))
COLUMNS = (
    Column("cabinet", "String", "cabinet"),
    Column("client", "String", "installation"),
    Column("reported_at", "DateTime('UTC')", "machine clock"),
    Column("product_version", "Nullable(String)", "version"),
    Column("operup_last_run", "Nullable(DateTime('UTC'))", "nested time", source_name="operup.last_run"),
    Column("operup_status", "Nullable(String)", "nested text", source_name="operup.status"),
    Column("operup_errors", "Nullable(UInt32)", "nested number", source_name="operup.errors"),
    Column("users_total", "Nullable(UInt32)", "number"),
    Column("disk_free_gb", "Nullable(Float64)", "number", value_range=(0, None)),
)
KEY = ("cabinet", "client", "reported_at")
SYSINFO = Table("test", "sysinfo", "crafted sysinfo", SMART_JSONL, COLUMNS, key=KEY, partition_by=None,
                freshness=Freshness(1, 2))
STRICT = Table("test", "sysinfo_strict", "no extras kept", Format("strict_jsonl", reader="jsonl",
               time_format="%d.%m.%Y %H:%i:%s", suffixes=(".jsonl", ".jsonl.gz")), COLUMNS, key=KEY,
               partition_by=None, freshness=Freshness(1, 2))
TABLES = [SYSINFO, STRICT]


def report(client_name: str = "alpha", **changes) -> dict:
    item = {"cabinet": "kodeks", "client": client_name, "reported_at": "15.01.2025 10:00:00",
            "product_version": "5.1", "operup": {"last_run": "15.01.2025 03:00:00", "status": "ok", "errors": 0},
            "users_total": 12, "disk_free_gb": 40.5}
    item.update(changes)
    return item


def line(item: dict) -> str:
    return json.dumps(item, ensure_ascii=False)


def load(client, inbox):
    return load_inbox(client, inbox, tables=TABLES)


def rejected(client, batch_id):
    return rows(client, "SELECT source_row, raw_text, reason FROM raw.load_rejected_rows WHERE batch_id = {b:UUID} "
                        "ORDER BY source_row", b=batch_id)


def test_reports_load_nested_fields_and_extras_and_each_bad_line_is_rejected_with_its_number(client, tmp_path):
    lacking = report("gamma")
    del lacking["client"]
    lines = [
        line(report(agent={"v": 2}, note="новое")),                                  # 1 loads, two extras
        "",                                                                          # 2 blank: not a row
        line(report("beta", operup={"last_run": None, "status": None}, users_total=None)),  # 3 loads, NULLs
        '{"cabinet": "kodeks", "client": ',                                          # 4 not JSON
        "[1, 2]",                                                                    # 5 not an object
        line(lacking),                                                               # 6 lacks the key
        line(report("delta", reported_at="31.02.2025 10:00:00")),                    # 7 no such day
        line(report("eps", users_total="many")),                                     # 8 not a number
        line(report("zeta", users_total=-1)),                                        # 9 not a UInt32
        line(report("eta", disk_free_gb=-0.5)),                                      # 10 out of range
        "   ",                                                                       # 11 blank
        line(report("theta", cabinet=None)),                                         # 12 key is null
        line(report("iota", product_version=7, users_total="13")),                   # 13 loads: text as given
    ]
    body = "\n".join(lines[:12]) + "\r\n" + lines[12] + "\r\n"  # CRLF lines too
    put(tmp_path, "test.sysinfo", "r.jsonl", body)
    (o,) = load(client, tmp_path).outcomes
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_rejected) == ("loaded", 11, 3, 8), o
    assert rows(client, "SELECT _source_row, cabinet, client, reported_at, product_version, operup_last_run, "
                        "operup_status, operup_errors, users_total, disk_free_gb, _extra FROM raw.test__sysinfo "
                        "WHERE _batch_id = {b:UUID} ORDER BY _source_row", b=o.batch_id) == [
        (1, "kodeks", "alpha", datetime(2025, 1, 15, 10), "5.1", datetime(2025, 1, 15, 3), "ok", 0, 12, 40.5,
         {"agent": '{"v":2}', "note": '"новое"'}),
        (3, "kodeks", "beta", datetime(2025, 1, 15, 10), "5.1", None, None, None, None, 40.5, {}),
        (13, "kodeks", "iota", datetime(2025, 1, 15, 10), "7", datetime(2025, 1, 15, 3), "ok", 0, 13, 40.5, {}),
    ]
    assert rejected(client, o.batch_id) == [
        (4, lines[3], "not valid JSON"),
        (5, "[1, 2]", "not a JSON object"),
        (6, lines[5], "lacks field client (column client)"),
        (7, lines[6], "column reported_at: not a valid time: 31.02.2025 10:00:00"),
        (8, lines[7], "column users_total: not a number: many"),
        (9, lines[8], "column users_total: not a number: -1"),
        (10, lines[9], "column disk_free_gb: out of range: -0.5"),
        (12, lines[11], "required column cabinet is empty"),
    ]


def test_undeclared_fields_reject_the_line_where_the_format_keeps_no_extras(client, tmp_path):
    put(tmp_path, "test.sysinfo_strict", "s.jsonl", line(report()) + "\n" + line(report("b", agent=1, zz="x")) + "\n")
    (o,) = load(client, tmp_path).outcomes
    assert (o.rows_loaded, o.rows_rejected) == (1, 1), o
    assert [(n, reason) for n, _, reason in rejected(client, o.batch_id)] == [
        (2, "fields test.sysinfo_strict does not define: agent, zz")]


def test_line_numbers_are_exact_across_blocks_and_in_gzip(client, tmp_path):
    """Far more lines than one block of the engine, blank and bad lines anywhere: each keeps its number."""
    total = 150_000
    bad = {1, 65_409, 65_410, 100_000, total}
    blank = {2, 65_408, 131_072}
    lines = ["" if n in blank else "{oops" if n in bad else line(report(f"c{n}")) for n in range(1, total + 1)]
    body = "\n".join(lines) + "\n"
    put(tmp_path, "test.sysinfo", "big.jsonl", body)
    put(tmp_path, "test.sysinfo", "big.jsonl.gz", gzip.compress(body.replace("kodeks", "kodeks-gz").encode()))
    result = load(client, tmp_path)
    assert len(result.outcomes) == 2
    for o in result.outcomes:
        assert (o.status, o.rows_read, o.rows_loaded, o.rows_rejected) == (
            "loaded", total - len(blank), total - len(blank) - len(bad), len(bad)), o
        assert [n for n, _, _ in rejected(client, o.batch_id)] == sorted(bad)
        mismatched = rows(client, "SELECT count() FROM raw.test__sysinfo WHERE _batch_id = {b:UUID} "
                                  "AND client != concat('c', toString(_source_row))", b=o.batch_id)
        assert mismatched == [(0,)]


def test_a_file_with_no_json_object_is_rejected_whole_and_the_run_goes_on(client, tmp_path):
    put(tmp_path, "test.sysinfo", "a_not_json.jsonl", "cabinet,client\nkodeks,alpha\n")
    put(tmp_path, "test.sysinfo", "b_good.jsonl", line(report("after")) + "\n")
    result = load(client, tmp_path)
    outcomes = {o.source.rsplit("/", 1)[-1]: o for o in result.outcomes}
    bad = outcomes["a_not_json.jsonl"]
    assert (bad.status, bad.reason) == ("rejected", "not a JSON-lines file: none of its 2 lines is a JSON object")
    assert rows(client, "SELECT count() FROM raw.load_rejected_rows WHERE batch_id = {b:UUID}",
                b=bad.batch_id) == [(0,)]
    assert (outcomes["b_good.jsonl"].status, outcomes["b_good.jsonl"].rows_loaded) == ("loaded", 1)


def test_random_bytes_and_random_text_are_rejected_whole(client, tmp_path):
    noise = random.Random(11)
    text = "".join(noise.choice(string.printable) for _ in range(20_000)) + "\n"
    put(tmp_path, "test.sysinfo", "bytes.jsonl", noise.randbytes(8192))
    put(tmp_path, "test.sysinfo", "text.jsonl", text)
    outcomes = {o.source.rsplit("/", 1)[-1]: o for o in load(client, tmp_path).outcomes}
    assert outcomes["bytes.jsonl"].status == "rejected" and "UTF-8" in outcomes["bytes.jsonl"].reason
    assert outcomes["text.jsonl"].status == "rejected"
    assert outcomes["text.jsonl"].reason.startswith("not a JSON-lines file: none of its ")
