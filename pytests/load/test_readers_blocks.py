"""The headerless blocks reader (the smart registry): layouts by field count, constants, blocks in order,
values from the file name, every line accounted for."""

from __future__ import annotations

import random
import string
from datetime import date

from loadkit import client, put, rows, warehouse_dir  # noqa: F401 (fixtures)

from parebrick.load.runner import load_inbox
from parebrick.load.schema import Column, Format, Freshness, Layout, Table

PING = "download,upload,process,ping"
NO_PING = "smartupload,download,upload,process,donotping"
REGISTRY_FORMAT = Format(
    "smart_registry", reader="blocks", delimiter=";", suffixes=(".csv",),
    layouts=(Layout("internet", ("address", "manager", "manager_email", "protocol", "actions", "tz_correction",
                                 "client"), (("actions", PING),)),
             Layout("local", ("manager", "manager_email", "actions", "tz_correction", "client"),
                    (("actions", NO_PING),))))
REGISTRY = Table(
    "test", "registry", "crafted registry", REGISTRY_FORMAT,
    (Column("cabinet", "String", "from the file name"),
     Column("version_date", "Date", "from the file name", time_format="%d%m%Y"),
     Column("layout", "LowCardinality(String)", "which block", source_name="_layout"),
     Column("address", "Nullable(String)", "host:port"),
     Column("manager", "String", "manager"),
     Column("manager_email", "String", "e-mail"),
     Column("protocol", "Nullable(String)", "http/https"),
     Column("tz_correction", "Int8", "hours from Saratov", value_range=(-16, 10)),
     Column("client", "String", "installation")),
    key=("cabinet", "client"), partition_by=None, freshness=Freshness(1, 2),
    file_name_pattern=r"^(?P<cabinet>[a-z0-9-]+)_manager_(?P<version_date>\d{8})\.csv$")


def load(client, inbox):
    return load_inbox(client, inbox, tables=[REGISTRY])


def by_name(result):
    return {o.source.rsplit("/", 1)[-1]: o for o in result.outcomes}


def rejected(client, batch_id):
    return rows(client, "SELECT source_row, raw_text, reason FROM raw.load_rejected_rows WHERE batch_id = {b:UUID} "
                        "ORDER BY source_row", b=batch_id)


def test_a_registry_loads_both_blocks_and_rejects_bad_rows_with_their_line_numbers(client, tmp_path):
    lines = [
        f"cloud.example.ru:8080;Иванов;ivanov@kodeks.ru;https;{PING};-1;alpha",   # 1 internet
        f"10.0.0.5:80 ; Петров ;petrov@kodeks.ru;http;{PING};2;beta",              # 2 internet, padded
        "x:1;y;z@k.ru;http;download,upload,ping;0;gamma",                          # 3 wrong constant
        "a;b;c",                                                                   # 4 no layout
        "",                                                                        # 5 blank: not a row
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};0;delta",                            # 6 local
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};плюс;eps",                           # 7 not a number
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};1;",                                 # 8 no client
        f"Сидоров;sidorov@kodeks.ru;{NO_PING};11;zeta",                            # 9 out of range
    ]
    put(tmp_path, "test.registry", "kodeks-spb_manager_01022025.csv", "\n".join(lines) + "\n")
    (o,) = load(client, tmp_path).outcomes
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_rejected) == ("loaded", 8, 3, 5), o
    assert rows(client, "SELECT _source_row, cabinet, version_date, layout, address, manager, manager_email, "
                        "protocol, tz_correction, client FROM raw.test__registry WHERE _batch_id = {b:UUID} "
                        "ORDER BY _source_row", b=o.batch_id) == [
        (1, "kodeks-spb", date(2025, 2, 1), "internet", "cloud.example.ru:8080", "Иванов", "ivanov@kodeks.ru",
         "https", -1, "alpha"),
        (2, "kodeks-spb", date(2025, 2, 1), "internet", "10.0.0.5:80", "Петров", "petrov@kodeks.ru", "http", 2,
         "beta"),
        (6, "kodeks-spb", date(2025, 2, 1), "local", None, "Сидоров", "sidorov@kodeks.ru", None, 0, "delta"),
    ]
    assert rejected(client, o.batch_id) == [
        (3, lines[2], "layout internet: field 5 (actions) must be download,upload,process,ping, "
                      "not download,upload,ping"),
        (4, "a;b;c", "a row of 3 fields: no layout has as many (internet: 7, local: 5)"),
        (7, lines[6], "column tz_correction: not a number: плюс"),
        (8, lines[7], "required column client is empty"),
        (9, lines[8], "column tz_correction: out of range: 11"),
    ]


def test_files_that_are_no_registry_are_rejected_whole_and_the_run_goes_on(client, tmp_path):
    local = f"Сидоров;sidorov@kodeks.ru;{NO_PING};0;delta"
    internet = f"h:1;Иванов;ivanov@kodeks.ru;https;{PING};-1;alpha"
    put(tmp_path, "test.registry", "a_manager_01022025.csv", f"{internet}\n{local}\n\n{internet}\n")
    put(tmp_path, "test.registry", "b_manager_01022025.csv", "client;url;login\nfoo;bar;baz\n")
    put(tmp_path, "test.registry", "c_online_01022025.csv", f"{internet}\n")
    put(tmp_path, "test.registry", "d_manager_02022025.csv", f"{internet}\n\n{local}\n")
    outcomes = by_name(load(client, tmp_path))
    assert {name: (o.status, o.reason) for name, o in outcomes.items() if o.status == "rejected"} == {
        "a_manager_01022025.csv": ("rejected", "blocks out of order: line 4 (layout internet) comes after the "
                                               "local block began at line 2"),
        "b_manager_01022025.csv": ("rejected", "not a test.registry file: no line is a row of 7 fields (internet) "
                                               "or 5 fields (local) with its constant fields"),
        "c_online_01022025.csv": ("rejected", r"the file name does not match test.registry's pattern "
                                              r"^(?P<cabinet>[a-z0-9-]+)_manager_(?P<version_date>\d{8})\.csv$"),
    }
    for name in ("a_manager_01022025.csv", "b_manager_01022025.csv", "c_online_01022025.csv"):
        assert rows(client, "SELECT count() FROM raw.load_rejected_rows WHERE batch_id = {b:UUID}",
                    b=outcomes[name].batch_id) == [(0,)]
    good = outcomes["d_manager_02022025.csv"]
    assert (good.status, good.rows_read, good.rows_loaded) == ("loaded", 2, 2), good
    assert rows(client, "SELECT cabinet, version_date, layout, _source_row FROM raw.test__registry "
                        "WHERE _batch_id = {b:UUID} ORDER BY _source_row", b=good.batch_id) == [
        ("d", date(2025, 2, 2), "internet", 1), ("d", date(2025, 2, 2), "local", 3)]


def test_a_file_name_whose_values_do_not_type_is_rejected_whole(client, tmp_path):
    put(tmp_path, "test.registry", "kodeks_manager_31022025.csv", f"Сидоров;s@kodeks.ru;{NO_PING};0;delta\n")
    (o,) = load(client, tmp_path).outcomes
    assert (o.status, o.reason) == ("rejected", "the file name kodeks_manager_31022025.csv: column version_date: "
                                                "not a valid time: 31022025")


def test_random_bytes_and_random_text_are_rejected_whole(client, tmp_path):
    noise = random.Random(12)
    text = "".join(noise.choice(string.printable + ";;;;;;;;") for _ in range(20_000)) + "\n"
    put(tmp_path, "test.registry", "a_manager_01012025.csv", noise.randbytes(8192))
    put(tmp_path, "test.registry", "b_manager_01012025.csv", text)
    outcomes = by_name(load(client, tmp_path))
    assert outcomes["a_manager_01012025.csv"].status == "rejected"
    assert "UTF-8" in outcomes["a_manager_01012025.csv"].reason
    assert (outcomes["b_manager_01012025.csv"].status, outcomes["b_manager_01012025.csv"].reason) == (
        "rejected", "not a test.registry file: no line is a row of 7 fields (internet) or 5 fields (local) "
                    "with its constant fields")
