"""CRM exports: Windows-1251, semicolons, decimal commas and Moscow time, parsed in the engine's stream."""

from __future__ import annotations

import csv
import io
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from loadkit import client, load, put, rows, warehouse_dir  # noqa: F401 (fixtures)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from parebrick.load import rawwriter
from parebrick.load.csvload import load_csv
from parebrick.load.inspect import inspect_file
from parebrick.load.registry import get
from parebrick.load.schema import Column, Freshness, Table

APPEALS = get("crm.appeals")
CRM = APPEALS.format
HEADER = list(APPEALS.column_names)


def appeal(appeal_id: str | int, created: str, comment: str = "", resolved: str = "") -> list[str]:
    return [str(appeal_id), created, "call", "1000000013411", "500", "300", "MSK", "internet", "b2c_support",
            "Смена тарифа", "первичное", "resolved" if resolved else "new", resolved, "ivanova.aa1", comment]


def crm_bytes(records: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(records)
    return buffer.getvalue().encode("cp1251")


def test_crm_export_loads_in_utc_with_russian_text(client, tmp_path):
    comment = 'Клиент: "нет связи"; просит перезвонить\r\nвторая строка'
    put(tmp_path, "crm.appeals", "appeals_1.csv",
        crm_bytes([appeal(9001, "15.01.2025 00:08:43", comment, "15.01.2025 02:00:00"), appeal(9002, "01.07.2025 12:00:00")]))
    result = load(client, tmp_path)
    assert result.ok, result
    got = rows(client, "SELECT appeal_id, created_at, resolved_at, category, comment FROM raw.crm__appeals "
                       "WHERE appeal_id IN ('9001', '9002') ORDER BY appeal_id")
    assert got == [
        ("9001", datetime(2025, 1, 14, 21, 8, 43), datetime(2025, 1, 14, 23, 0), "Смена тарифа", comment),
        ("9002", datetime(2025, 7, 1, 9, 0), None, "Смена тарифа", ""),
    ]


def test_appeal_ids_are_the_crms_text_not_numbers(client, tmp_path):
    """`000123` and `123` are two appeals, and an id like `CRM-7` is an id: all three load as written."""
    put(tmp_path, "crm.appeals", "appeals_ids.csv",
        crm_bytes([appeal("000123", "15.01.2025 00:08:43"), appeal("123", "15.01.2025 00:09:00"),
                   appeal("CRM-7", "15.01.2025 00:10:00"), appeal("", "15.01.2025 00:11:00")]))
    result = load(client, tmp_path)
    o = result.outcomes[0]
    assert (o.status, o.rows_loaded, o.rows_rejected) == ("loaded", 3, 1), o
    assert rows(client, "SELECT appeal_id FROM raw.crm__appeals WHERE _batch_id = {b:UUID} ORDER BY _source_row",
                b=o.batch_id) == [("000123",), ("123",), ("CRM-7",)]
    assert rows(client, "SELECT source_row, reason FROM raw.load_rejected_rows WHERE batch_id = {b:UUID}",
                b=o.batch_id) == [(4, "required column appeal_id is empty")]


def test_a_crm_export_in_utf8_is_rejected_whole(client, tmp_path):
    put(tmp_path, "crm.appeals", "appeals_utf8.csv", crm_bytes([appeal(9003, "15.01.2025 00:08:43")]).decode("cp1251"))
    result = load(client, tmp_path)
    assert result.outcomes[0].status == "rejected" and "UTF-8" in result.outcomes[0].reason


def test_a_bad_crm_date_is_quarantined_and_decoded(client, tmp_path):
    put(tmp_path, "crm.appeals", "appeals_bad.csv",
        crm_bytes([appeal(9004, "15.01.2025 00:08:43"), appeal(9005, "вчера", "тест")]))
    result = load(client, tmp_path)
    o = result.outcomes[0]
    assert (o.rows_read, o.rows_loaded, o.rows_rejected) == (2, 1, 1)
    (row, text, reason), = rows(client, "SELECT source_row, raw_text, reason FROM raw.load_rejected_rows "
                                        "WHERE batch_id = {b:UUID}", b=o.batch_id)
    assert row == 2 and "вчера" in text and "created_at" in reason


DECIMALS = Table("test", "decimals", "a CRM-format table with a decimal column", CRM,
                 (Column("id", "String", "id"), Column("amount", "Nullable(Decimal(18, 2))", "amount"),
                  Column("at", "DateTime('UTC')", "time")),
                 key=("id",), partition_by=None, freshness=Freshness(1, 2))


def test_decimal_comma_is_read_and_a_bad_number_quarantined(client, tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes("id;amount;at\nx1;12,50;01.02.2025 03:00:00\nx2;;01.02.2025 03:00:00\nx3;двенадцать;"
                     "01.02.2025 03:00:00\nx4;-0,5;01.02.2025 03:00:00\n".encode("cp1251"))
    client.command("CREATE DATABASE IF NOT EXISTS raw")
    rawwriter.ensure_bookkeeping(client)
    rawwriter.ensure_raw_table(client, DECIMALS)
    landing = rawwriter.ensure_landing(client, DECIMALS)
    batch = uuid.uuid4()
    result = load_csv(client, DECIMALS, path, inspect_file(path, DECIMALS), landing=landing, batch_id=batch,
                      source="d.csv", loaded_at=datetime(2025, 1, 1))
    assert (result.rows_loaded, result.rows_rejected) == (3, 1)
    assert rows(client, "SELECT id, toString(amount), at FROM raw.test__decimals ORDER BY id") == [
        ("x1", "12.5", datetime(2025, 2, 1)), ("x2", None, datetime(2025, 2, 1)), ("x4", "-0.5", datetime(2025, 2, 1))]
    assert rows(client, "SELECT source_row, reason FROM raw.load_rejected_rows WHERE batch_id = {b:UUID}",
                b=str(batch)) == [(3, "column amount: not a number: двенадцать")]


_CP1251_TEXT = st.text(
    alphabet=st.sampled_from(list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙЯ№ abcNXYZ019;\"',.\\\r\n\t-")),
    max_size=40,
)
_MOSCOW = st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda value: value.replace(microsecond=0))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.tuples(_MOSCOW, _CP1251_TEXT, _CP1251_TEXT), min_size=1, max_size=8))
@example(records=[(datetime(2020, 2, 29, 23, 59, 59), "\\N", " leading and trailing space "), (datetime(2015, 1, 1), "", "")])
def test_crm_rows_round_trip(client, records):
    """Whatever text and time a CRM row holds, it arrives as written, the time moved from Moscow to UTC."""
    with tempfile.TemporaryDirectory() as directory:
        inbox = Path(directory)
        tag = uuid.uuid4().hex[:12]
        lines = [appeal(i + 1, moment.strftime("%d.%m.%Y %H:%M:%S"), comment)
                 for i, (moment, comment, _) in enumerate(records)]
        for line, (_, _, category) in zip(lines, records):
            line[9] = category
        put(inbox, "crm.appeals", f"{tag}.csv", crm_bytes(lines))
        result = load(client, inbox)
        o = result.outcomes[0]
        assert (o.status, o.rows_loaded, o.rows_rejected) == ("loaded", len(records), 0), o
        got = rows(client, "SELECT created_at, comment, category FROM raw.crm__appeals WHERE _batch_id = {b:UUID} "
                           "ORDER BY _source_row", b=o.batch_id)
        assert got == [(moment - timedelta(hours=3), comment, category) for moment, comment, category in records]
