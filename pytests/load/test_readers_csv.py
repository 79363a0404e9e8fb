"""The CSV reader on the defects milestone 2's extracts bring: epoch times, headers that are not identifiers,
booleans in each format's spellings, ranges, and files that are no CSV at all. Tables are built here."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime

from loadkit import client, put, rows, warehouse_dir  # noqa: F401 (fixtures)

from parebrick.load import rawwriter, readers
from parebrick.load.inspect import inspect_file
from parebrick.load.registry import get
from parebrick.load.runner import load_inbox
from parebrick.load.schema import EPOCH, Column, Format, Freshness, Table

SAAS = Format("saas_csv", time_format=EPOCH, true_values=("True",), false_values=("False",))
UCCX = get("cms.uccx_resource").format
CRM = get("crm.appeals").format


def table(name: str, fmt: Format, *columns: Column, key: tuple[str, ...] = ("id",)) -> Table:
    return Table("test", name, f"a crafted {name} table", fmt, columns, key=key, partition_by=None,
                 freshness=Freshness(1, 2))


BILLING = table("billing", SAAS,
                Column("id", "String", "id"),
                Column("created_at", "DateTime('UTC')", "epoch seconds"),
                Column("payed_until", "Nullable(DateTime('UTC'))", "epoch seconds"),
                Column("pay_date", "Nullable(DateTime('UTC'))", "text time", time_format="%Y-%m-%d %H:%i:%s"),
                Column("is_payed", "Nullable(Bool)", "True/False"))
ACTIVITIES = table("activities", SAAS,
                   Column("company_id", "String", "id"),
                   Column("month", "Date", "first day", time_format="%Y-%m-%d"),
                   Column("company_month_billing", "Nullable(Int64)", "count", source_name="company-month-billing"),
                   Column("company_month_stocks", "Nullable(Int64)", "count", source_name="company-month-stocks",
                          value_range=(0, None)),
                   key=("company_id", "month"))
PEOPLE = table("people", SAAS,
               Column("row_index", "Nullable(Int64)", "the exporting tool's row index", source_name=""),
               Column("user_id", "String", "id"),
               Column("is_deleted", "Nullable(Bool)", "True/False"),
               key=("user_id",))
PEOPLE_UNDECLARED_INDEX = table("people2", SAAS, Column("user_id", "String", "id"),
                                Column("is_deleted", "Nullable(Bool)", "True/False"), key=("user_id",))
FLAGS = table("flags", UCCX, Column("id", "Int64", "id"), Column("active", "Bool", "t/f/1/0"))
SCORES = table("scores", SAAS, Column("id", "String", "id"),
               Column("csat", "Nullable(UInt8)", "1-5", value_range=(1, 5)),
               Column("share", "Nullable(Float64)", "0-1", value_range=(0.0, 1.0)))
CRM_TIMES = table("crm_times", CRM, Column("id", "String", "id"), Column("at", "DateTime('UTC')", "time"))
TABLES = [BILLING, ACTIVITIES, PEOPLE, PEOPLE_UNDECLARED_INDEX, FLAGS, SCORES, CRM_TIMES]


def load(client, inbox):
    return load_inbox(client, inbox, tables=TABLES)


def only(result, name):
    (outcome,) = [o for o in result.outcomes if o.source.endswith(name)]
    return outcome


def rejected(client, outcome):
    return rows(client, "SELECT source_row, raw_text, reason FROM raw.load_rejected_rows WHERE batch_id = {b:UUID} "
                        "ORDER BY source_row", b=outcome.batch_id)


def test_epoch_seconds_load_exactly_and_anything_else_is_not_a_valid_time(client, tmp_path):
    put(tmp_path, "test.billing", "b.csv",
        "id,created_at,payed_until,pay_date,is_payed\n"
        "a,1735689600,0,2025-01-02 03:04:05,True\n"
        "b,yesterday,,,\n"
        "c,1735689600.5,,,\n"
        "d,-1,,,\n"
        "e,4294967296,,,\n"
        "f,4294967295,1738368000,,False\n"
        "g,1735689600,,1735689600,\n"
        "h,1735689600,1e9,,\n")
    o = only(load(client, tmp_path), "b.csv")
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_rejected) == ("loaded", 8, 2, 6), o
    assert rows(client, "SELECT id, created_at, payed_until, pay_date, is_payed FROM raw.test__billing "
                        "WHERE _batch_id = {b:UUID} ORDER BY id", b=o.batch_id) == [
        ("a", datetime(2025, 1, 1), datetime(1970, 1, 1), datetime(2025, 1, 2, 3, 4, 5), True),
        ("f", datetime(2106, 2, 7, 6, 28, 15), datetime(2025, 2, 1), None, False)]
    assert [(row, reason) for row, _, reason in rejected(client, o)] == [
        (2, "column created_at: not a valid time: yesterday"),
        (3, "column created_at: not a valid time: 1735689600.5"),
        (4, "column created_at: not a valid time: -1"),
        (5, "column created_at: not a valid time: 4294967296"),
        (7, "column pay_date: not a valid time: 1735689600"),  # its own time_format, not the format's epoch
        (8, "column payed_until: not a valid time: 1e9")]


def test_hyphenated_headers_read_into_their_columns_and_ranges_reject(client, tmp_path):
    put(tmp_path, "test.activities", "a.csv",
        "company_id,month,company-month-billing,company-month-stocks\n"
        "c1,2025-01-01,12,3\nc2,2025-02-01,,0\nc3,2025-03-01,4,-3\n")
    o = only(load(client, tmp_path), "a.csv")
    assert (o.status, o.rows_loaded, o.rows_rejected) == ("loaded", 2, 1), o
    assert rows(client, "SELECT company_id, month, company_month_billing, company_month_stocks "
                        "FROM raw.test__activities WHERE _batch_id = {b:UUID} ORDER BY company_id", b=o.batch_id) == [
        ("c1", date(2025, 1, 1), 12, 3), ("c2", date(2025, 2, 1), None, 0)]
    # A row that parsed and failed validation is shown as its parsed values written back as CSV.
    assert rejected(client, o) == [(3, '"c3","2025-03-01",4,-3', "column company_month_stocks: out of range: -3")]


def test_value_range_bounds_both_ends_and_empty_is_no_value(client, tmp_path):
    put(tmp_path, "test.scores", "s.csv", "id,csat,share\nx1,1,0\nx2,5,1\nx3,0,0.5\nx4,6,0.5\nx5,,\nx6,3,1.01\n")
    o = only(load(client, tmp_path), "s.csv")
    assert (o.rows_loaded, o.rows_rejected) == (3, 3), o
    assert rows(client, "SELECT id, csat, share FROM raw.test__scores WHERE _batch_id = {b:UUID} ORDER BY id",
                b=o.batch_id) == [("x1", 1, 0.0), ("x2", 5, 1.0), ("x5", None, None)]
    assert [(row, reason) for row, _, reason in rejected(client, o)] == [
        (3, "column csat: out of range: 0"), (4, "column csat: out of range: 6"),
        (6, "column share: out of range: 1.01")]


def test_an_unnamed_first_column_is_read_only_where_it_is_declared(client, tmp_path):
    body = ",user_id,is_deleted\n0,u1,False\n1,u2,True\n2,u3,\n"
    put(tmp_path, "test.people", "p.csv", body)
    put(tmp_path, "test.people2", "p2.csv", body)
    result = load(client, tmp_path)
    o = only(result, "p.csv")
    assert (o.status, o.rows_loaded, o.rows_rejected) == ("loaded", 3, 0), o
    assert rows(client, "SELECT row_index, user_id, is_deleted FROM raw.test__people WHERE _batch_id = {b:UUID} "
                        "ORDER BY user_id", b=o.batch_id) == [(0, "u1", False), (1, "u2", True), (2, "u3", None)]
    undeclared = only(result, "p2.csv")
    assert (undeclared.status, undeclared.reason) == ("rejected", "header has an empty column name")


def test_booleans_in_the_formats_spellings_load_and_others_are_not_a_boolean(client, tmp_path):
    put(tmp_path, "test.people", "bools.csv", ",user_id,is_deleted\n0,u1,True\n1,u2,False\n2,u3,true\n3,u4,yes\n")
    put(tmp_path, "test.flags", "f.csv", "id,active\n1,t\n2,f\n3,1\n4,0\n5,yes\n6,2\n7,True\n")
    result = load(client, tmp_path)
    saas = only(result, "bools.csv")
    assert (saas.rows_loaded, saas.rows_rejected) == (2, 2), saas
    assert [(row, reason) for row, _, reason in rejected(client, saas)] == [
        (3, "column is_deleted: not a boolean (this format writes True/False): true"),
        (4, "column is_deleted: not a boolean (this format writes True/False): yes")]
    uccx = only(result, "f.csv")
    assert (uccx.rows_loaded, uccx.rows_rejected) == (4, 3), uccx
    assert rows(client, "SELECT id, active FROM raw.test__flags WHERE _batch_id = {b:UUID} ORDER BY id",
                b=uccx.batch_id) == [(1, True), (2, False), (3, True), (4, False)]
    assert [(row, raw, reason) for row, raw, reason in rejected(client, uccx)] == [
        (5, '5,"yes"', "column active: not a boolean (this format writes t/1/f/0): yes"),
        (6, '6,"2"', "column active: not a boolean (this format writes t/1/f/0): 2"),
        (7, '7,"True"', "column active: not a boolean (this format writes t/1/f/0): True")]


def test_a_required_time_of_only_spaces_is_empty_not_a_made_up_time(client, tmp_path):
    """CRM fields are free text (spaces are kept), so a time of spaces reaches the check as it is written."""
    put(tmp_path, "test.crm_times", "t.csv", "id;at\nx1;01.02.2025 03:00:00\nx2;   \n".encode("cp1251"))
    o = only(load(client, tmp_path), "t.csv")
    assert (o.rows_loaded, o.rows_rejected) == (1, 1), o
    assert [(row, reason) for row, _, reason in rejected(client, o)] == [(2, "required column at is empty")]


def _random_bytes(seed: int, size: int, nul: bool) -> bytes:
    data = random.Random(seed).randbytes(size)
    return data if nul else data.replace(b"\x00", b"\x01")


def test_files_of_random_bytes_are_rejected_whole_and_the_run_goes_on(client, tmp_path):
    header = "appeal_id;created_at;channel;contact_ref;customer_id;account_id;territory_code;product_code;" \
             "service_code;category;subcategory;status;resolved_at;operator_login;comment\n"
    cp1251_safe = bytes(b for b in range(256) if b != 0x98)  # every byte Windows-1251 decodes
    shuffled = random.Random(7)
    decodable = bytes(shuffled.choice(cp1251_safe) for _ in range(8192)) + b"\n"
    files = {
        ("crm.appeals", "noise_nul.csv"): _random_bytes(1, 8192, nul=True),
        ("crm.appeals", "noise.csv"): _random_bytes(2, 8192, nul=False),
        ("crm.appeals", "noise_decodable.csv"): decodable,
        ("brm.payments", "noise_nul.csv"): _random_bytes(3, 8192, nul=True),
        ("brm.payments", "noise.csv"): _random_bytes(4, 8192, nul=False),
        ("brm.payments", "header_then_noise.csv"): b"payment_id,account_id,paid_at,amount_rub,method\n"
                                                   + _random_bytes(5, 8192, nul=True) + b"\n",
    }
    for (where, name), content in files.items():
        put(tmp_path, where, name, content)
    # A true header over noise that decodes: each record is a malformed row (fewer than the limits allow).
    put(tmp_path, "crm.appeals", "header_then_noise.csv", header.encode("cp1251") + decodable)
    put(tmp_path, "brm.payments", "zz_good.csv",
        "payment_id,account_id,paid_at,amount_rub,method\n880001,1,2025-01-02 10:00:00,10.50,card\n")
    result = load_inbox(client, tmp_path)
    by_name = {o.source: o for o in result.outcomes}
    for where, name in files:
        o = by_name[f"{where.replace('.', '/')}/{name}"]
        assert o.status == "rejected" and o.reason and "\n" not in o.reason, o
        assert (o.rows_loaded, o.rows_rejected) == (0, 0), o
        assert rows(client, "SELECT count() FROM raw.load_rejected_rows WHERE batch_id = {b:UUID}",
                    b=o.batch_id) == [(0,)]
        assert rows(client, "SELECT status, reason FROM raw.load_batches WHERE batch_id = {b:UUID} "
                            "AND status != 'started'", b=o.batch_id) == [("rejected", o.reason)]
    noise = by_name["crm/appeals/header_then_noise.csv"]
    assert (noise.status, noise.rows_loaded) == ("loaded", 0) and noise.rows_read == noise.rows_rejected > 0, noise
    numbers = rows(client, "SELECT source_row, reason FROM raw.load_rejected_rows WHERE batch_id = {b:UUID} "
                           "ORDER BY source_row", b=noise.batch_id)
    assert [n for n, _ in numbers] == list(range(1, noise.rows_read + 1))
    assert all(reason and "\n" not in reason for _, reason in numbers)
    good = by_name["brm/payments/zz_good.csv"]
    assert (good.status, good.rows_loaded) == ("loaded", 1), good


ONLINE = Table("test", "online", "a CSV whose file name carries columns", Format("smart_csv", delimiter=";"),
               (Column("cabinet", "String", "from the file name"),
                Column("version_date", "Date", "from the file name", time_format="%d%m%Y"),
                Column("client", "String", "installation"), Column("url", "Nullable(String)", "address")),
               key=("cabinet", "client"), partition_by=None, freshness=Freshness(1, 2),
               file_name_pattern=r"^(?P<cabinet>[a-z0-9-]+)_online_(?P<version_date>\d{8})\.csv$")


def test_file_name_values_are_columns_of_every_csv_row(client, tmp_path):
    put(tmp_path, "test.online", "kodeks-spb_online_05032025.csv", "client;url\nalpha;https://a\n;https://b\n")
    put(tmp_path, "test.online", "kodeks_offline_05032025.csv", "client;url\nalpha;https://a\n")
    result = load_inbox(client, tmp_path, tables=[ONLINE])
    o = only(result, "kodeks-spb_online_05032025.csv")
    assert (o.status, o.rows_loaded, o.rows_rejected) == ("loaded", 1, 1), o
    assert rows(client, "SELECT cabinet, version_date, client, url FROM raw.test__online WHERE _batch_id = {b:UUID}",
                b=o.batch_id) == [("kodeks-spb", date(2025, 3, 5), "alpha", "https://a")]
    assert [(n, reason) for n, _, reason in rejected(client, o)] == [(2, "required column client is empty")]
    assert only(result, "kodeks_offline_05032025.csv").status == "rejected"


def test_a_plain_csv_still_takes_the_fast_parallel_way_through_the_dispatch(client, tmp_path):
    path = tmp_path / "fast.csv"
    path.write_text("id,csat,share\n" + "".join(f"f{i},{1 + i % 5},0.5\n" for i in range(1000)))
    rawwriter.ensure_bookkeeping(client)
    rawwriter.ensure_raw_table(client, SCORES)
    landing = rawwriter.ensure_landing(client, SCORES)
    result = readers.load(client, SCORES, path, inspect_file(path, SCORES), landing=landing, batch_id=uuid.uuid4(),
                          source="fast.csv", loaded_at=datetime(2025, 1, 1))
    assert (result.rows_loaded, result.rows_rejected, result.fast) == (1000, 0, True)
