"""The smart group's extracts load as SOURCES.md "smart" describes them, from hand-made files, through the
project's own declarations (models/staging/smart/_smart__sources.yml)."""

from __future__ import annotations

import json
from datetime import date, datetime

from loadkit import client, put, rows, warehouse_dir  # noqa: F401 (fixtures)

from parebrick.load import registry
from parebrick.load.runner import load_inbox

PING = "download,upload,process,ping"
NO_PING = "smartupload,download,upload,process,donotping"
SMART = [table for name, table in registry.tables().items() if name.startswith("smart.")]


def load(client, inbox):
    result = load_inbox(client, inbox, tables=SMART)
    assert not result.problems, result.problems
    return {o.source.rsplit("/", 1)[-1]: o for o in result.outcomes}


def rejected(client, batch_id):
    return rows(client, "SELECT source_row, raw_text, reason FROM raw.load_rejected_rows WHERE batch_id = {b:UUID} "
                        "ORDER BY source_row", b=batch_id)


def assert_accounted(client, outcomes):
    """Every loaded batch: rows read = loaded + rejected, in its outcome and in the warehouse."""
    for o in outcomes.values():
        if o.status != "loaded":
            continue
        (logged,) = rows(client, "SELECT rows_read, rows_loaded, rows_rejected FROM raw.load_batches "
                                 "WHERE batch_id = {b:UUID} AND status = 'committed'", b=o.batch_id)
        table = o.table.replace(".", "__")
        (loaded,), = rows(client, f"SELECT count() FROM raw.{table} WHERE _batch_id = {{b:UUID}}", b=o.batch_id)
        (quarantined,), = rows(client, "SELECT count() FROM raw.load_rejected_rows WHERE batch_id = {b:UUID}",
                               b=o.batch_id)
        assert logged == (o.rows_read, loaded, quarantined) and o.rows_read == loaded + quarantined, o


def test_registry_both_layouts_with_a_blank_line_between_and_bad_rows_rejected(client, tmp_path):
    lines = [
        f"cloud.example.ru:443;Иванов;ivanov@kodeks.ru;https;{PING};-1;Alpha",      # 1 internet
        f"10.0.0.5:80;Петров;petrov@kodeks.ru;http;{PING};2;beta",                 # 2 internet
        f"10.0.0.6:80;Петров;petrov@kodeks.ru;ftp;{PING};2;gamma",                 # 3 protocol
        f"10.0.0.7:80;Петров;petrov@kodeks.ru;http;download,upload,process;0;delta",  # 4 wrong constant
        "",                                                                         # 5 blank line
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};0;epsilon",                          # 6 own
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};0;Клиент",                           # 7 Cyrillic client
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};1.5;zeta",                           # 8 not whole hours
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};12;eta",                             # 9 beyond any zone
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};1;theta1",                           # 10 a digit in the name
        f";sidorov@kodeks.ru;{NO_PING};1;iota",                                    # 11 no manager
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};3;epsilon",                          # 12 the client again
    ]
    put(tmp_path, "smart.registry", "kodeks-spb_manager_05102023.csv", "\n".join(lines) + "\n")
    outcomes = load(client, tmp_path)
    o = outcomes["kodeks-spb_manager_05102023.csv"]
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_rejected) == ("loaded", 11, 4, 7), o
    assert rows(client, "SELECT _source_row, cabinet, version_date, layout, address, manager, manager_email, "
                        "protocol, tz_correction, client FROM raw.smart__registry WHERE _batch_id = {b:UUID} "
                        "ORDER BY _source_row", b=o.batch_id) == [
        (1, "kodeks-spb", date(2023, 10, 5), "internet", "cloud.example.ru:443", "Иванов", "ivanov@kodeks.ru",
         "https", -1, "Alpha"),
        (2, "kodeks-spb", date(2023, 10, 5), "internet", "10.0.0.5:80", "Петров", "petrov@kodeks.ru", "http", 2,
         "beta"),
        (6, "kodeks-spb", date(2023, 10, 5), "own", None, "Сидоров", "sidorov@kodeks.ru", None, 0, "epsilon"),
        # A client listed twice loads twice, with its line numbers: staging keeps the first and reports it.
        (12, "kodeks-spb", date(2023, 10, 5), "own", None, "Сидоров", "sidorov@kodeks.ru", None, 3, "epsilon"),
    ]
    assert rejected(client, o.batch_id) == [
        (3, lines[2], "column protocol: does not match ^https?$: ftp"),
        (4, lines[3], f"layout internet: field 5 (actions) must be {PING}, not download,upload,process"),
        (7, lines[6], "column client: does not match ^[A-Za-z]+$: Клиент"),
        (8, lines[7], "column tz_correction: not a number: 1.5"),
        (9, lines[8], "column tz_correction: out of range: 12"),
        (10, lines[9], "column client: does not match ^[A-Za-z]+$: theta1"),
        (11, lines[10], "required column manager is empty"),
    ]
    assert_accounted(client, outcomes)


def test_a_registry_with_its_blocks_out_of_order_is_rejected_whole_in_one_line(client, tmp_path):
    own = f"Сидоров;sidorov@kodeks.ru;{NO_PING};0;alpha"
    internet = f"h.example:80;Иванов;ivanov@kodeks.ru;https;{PING};-1;beta"
    put(tmp_path, "smart.registry", "kodeks_manager_01022025.csv", f"{own}\n{internet}\n")
    put(tmp_path, "smart.registry", "kodeks_manager_02022025.csv", f"{internet}\n{own}\n")
    outcomes = load(client, tmp_path)
    bad = outcomes["kodeks_manager_01022025.csv"]
    assert (bad.status, bad.reason) == ("rejected", "blocks out of order: line 2 (layout internet) comes after the "
                                                    "own block began at line 1")
    assert rejected(client, bad.batch_id) == []
    good = outcomes["kodeks_manager_02022025.csv"]
    assert (good.status, good.rows_loaded, good.rows_rejected) == ("loaded", 2, 0)
    assert_accounted(client, outcomes)


def test_a_registry_name_that_is_not_a_cabinet_list_is_rejected(client, tmp_path):
    put(tmp_path, "smart.registry", "kodeks_managers_2025.csv", f"Сидоров;s@kodeks.ru;{NO_PING};0;alpha\n")
    (o,) = load(client, tmp_path).values()
    assert o.status == "rejected" and "file name does not match" in o.reason


def _report(**fields):
    report = {"cabinet": "kodeks", "client": "alpha", "reported_at": "05.10.2023 09:15:00",
              "product_version": "6.4.1", "operup": {"last_run": "05.10.2023 03:00:07", "status": "ok", "errors": 0},
              "users_total": 12, "users_active": 5, "sessions": 9, "searches": 40, "empty_searches": 3,
              "documents_opened": 17, "disk_free_gb": 51.5}
    report.update(fields)
    return json.dumps(report, ensure_ascii=False)


def test_sysinfo_lines_local_times_kept_unknown_fields_kept_bad_lines_rejected_with_numbers(client, tmp_path):
    lines = [
        _report(),                                                               # 1
        _report(client="beta", operup={"last_run": None, "status": None, "errors": 0}, agent="smartupload 2.1"),
        "{not json",                                                             # 3
        json.dumps({"cabinet": "kodeks", "reported_at": "05.10.2023 09:20:00"}),  # 4 no client
        _report(client="gamma", reported_at="31.02.2023 10:00:00"),              # 5 no such day
        "",                                                                      # 6 blank
        _report(client="delta", reported_at="2023-10-05T09:15:00"),              # 7 not the report's format
        _report(client="Клиент", searches=-1),                                   # 8 negative count
    ]
    put(tmp_path, "smart.sysinfo", "reports_20231005.jsonl", "\n".join(lines) + "\n")
    outcomes = load(client, tmp_path)
    o = outcomes["reports_20231005.jsonl"]
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_rejected) == ("loaded", 7, 2, 5), o
    assert rows(client, "SELECT _source_row, cabinet, client, reported_at, operup_last_run, operup_status, "
                        "operup_errors, searches, disk_free_gb, _extra FROM raw.smart__sysinfo "
                        "WHERE _batch_id = {b:UUID} ORDER BY _source_row", b=o.batch_id) == [
        (1, "kodeks", "alpha", datetime(2023, 10, 5, 9, 15), datetime(2023, 10, 5, 3, 0, 7), "ok", 0, 40, 51.5, {}),
        (2, "kodeks", "beta", datetime(2023, 10, 5, 9, 15), None, None, 0, 40, 51.5,
         {"agent": '"smartupload 2.1"'}),
    ]
    assert [(row, reason) for row, _, reason in rejected(client, o.batch_id)] == [
        (3, "not valid JSON"),
        (4, "lacks field client (column client)"),
        (5, "column reported_at: not a valid time: 31.02.2023 10:00:00"),
        (7, "column reported_at: not a valid time: 2023-10-05T09:15:00"),
        (8, "column searches: not a number: -1"),
    ]
    assert_accounted(client, outcomes)


def test_polls_with_a_failed_connection_load_with_an_empty_status(client, tmp_path):
    put(tmp_path, "smart.polls", "polls_20231005.csv",
        "polled_at,cabinet,client,url,http_status,latency_ms,error\n"
        "2023-10-05T06:00:00Z,kodeks,alpha,https://a.example,200,153,\n"
        "2023-10-05T06:05:00Z,kodeks,alpha,https://a.example,,,connection timed out\n"
        "2023-10-05T06:10:00.250Z,kodeks,alpha,https://a.example,503,20,\n"
        "2023-10-05T06:15:00Z,kodeks,alpha,https://a.example,700,20,\n"
        "yesterday,kodeks,alpha,https://a.example,200,20,\n")
    outcomes = load(client, tmp_path)
    o = outcomes["polls_20231005.csv"]
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_rejected) == ("loaded", 5, 3, 2), o
    got = rows(client, "SELECT polled_at, http_status, latency_ms, error FROM raw.smart__polls "
                       "WHERE _batch_id = {b:UUID} ORDER BY polled_at", b=o.batch_id)
    assert [(t.isoformat(timespec="milliseconds"), s, ms, e) for t, s, ms, e in got] == [
        ("2023-10-05T06:00:00.000", 200, 153, None),
        ("2023-10-05T06:05:00.000", None, None, "connection timed out"),
        ("2023-10-05T06:10:00.250", 503, 20, None),
    ]
    assert [(row, reason) for row, _, reason in rejected(client, o.batch_id)] == [
        (4, "column http_status: out of range: 700"),
        (5, "column polled_at: not a valid time: yesterday"),
    ]
    assert_accounted(client, outcomes)


def test_a_file_delivered_twice_is_loaded_once(client, tmp_path):
    text = f"Сидоров;sidorov@kodeks.ru;{NO_PING};0;omega\n"
    put(tmp_path, "smart.registry", "once_manager_01012024.csv", text)
    first = load(client, tmp_path)["once_manager_01012024.csv"]
    again = load(client, tmp_path)["once_manager_01012024.csv"]
    assert (first.status, again.status) == ("loaded", "skipped") and "already loaded" in again.reason
    assert rows(client, "SELECT count() FROM raw.smart__registry WHERE cabinet = 'once'") == [(1,)]
