"""CSV extracts, one defect at a time: each gives its stated outcome and loses nothing."""

from __future__ import annotations

import gzip

import pytest
from loadkit import client, load, put, rows, warehouse_dir  # noqa: F401 (fixtures)

PAYMENTS = "payment_id,account_id,paid_at,amount_rub,method\n"
PAY = "brm.payments"


def outcome_of(result, name):
    return next(o for o in result.outcomes if o.source.endswith(name))


def batch_row(client, batch_id):
    return rows(client, "SELECT status, rows_read, rows_loaded, rows_rejected, reason FROM raw.load_batches "
                        "WHERE batch_id = {b:UUID} ORDER BY event_at DESC LIMIT 1", b=batch_id)[0]


def test_clean_file_loads_with_row_numbers_and_metadata(client, tmp_path):
    put(tmp_path, PAY, "p1.csv", PAYMENTS + "101,1,2025-01-02 10:00:00,10.50,card\n102,2,2025-02-01 00:00:00,1,cash\n")
    result = load(client, tmp_path)
    assert result.ok
    o = outcome_of(result, "p1.csv")
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_rejected) == ("loaded", 2, 2, 0)
    assert rows(client, "SELECT payment_id, toString(amount_rub), _source, _source_row FROM raw.brm__payments "
                        "WHERE _batch_id = {b:UUID} ORDER BY _source_row", b=o.batch_id) == [
        ("101", "10.5", "brm/payments/p1.csv", 1), ("102", "1", "brm/payments/p1.csv", 2)]
    assert batch_row(client, o.batch_id)[:4] == ("committed", 2, 2, 0)


def test_same_bytes_again_are_skipped_and_change_nothing(client, tmp_path):
    body = PAYMENTS + "201,1,2025-01-02 10:00:00,3.00,card\n"
    put(tmp_path, PAY, "q.csv", body)
    first = load(client, tmp_path)
    put(tmp_path, PAY, "q_resend.csv", body)
    before = rows(client, "SELECT count() FROM raw.brm__payments")[0][0]
    batches_before = rows(client, "SELECT count() FROM raw.load_batches")[0][0]
    second = load(client, tmp_path)
    assert [o.status for o in second.outcomes] == ["skipped", "skipped"]
    assert outcome_of(second, "q_resend.csv").batch_id == outcome_of(first, "q.csv").batch_id
    assert rows(client, "SELECT count() FROM raw.brm__payments")[0][0] == before
    assert rows(client, "SELECT count() FROM raw.load_batches")[0][0] == batches_before


def test_changed_file_under_the_same_name_is_a_new_extract(client, tmp_path):
    put(tmp_path, PAY, "same.csv", PAYMENTS + "301,1,2025-01-02 10:00:00,3.00,card\n")
    load(client, tmp_path)
    put(tmp_path, PAY, "same.csv", PAYMENTS + "301,1,2025-01-02 10:00:00,4.00,card\n")
    result = load(client, tmp_path)
    assert outcome_of(result, "same.csv").status == "loaded"


def test_bad_rows_are_quarantined_with_exact_row_numbers(client, tmp_path):
    lines = [f"{1000 + i},7,2025-01-0{1 + i % 9} 00:00:00,{i}.00,card" for i in range(1, 31)]
    lines[4] = "1005,7,not-a-date,5.00,card"         # row 5: not a time
    lines[9] = ",7,2025-01-01 00:00:00,1.00,card"    # row 10: empty key
    lines[14] = "1015,7,2025-02-30 10:00:00,15,card"  # row 15: no such day (never read as another date)
    lines[19] = "1020,7,2025-01-01 00:00:00"         # row 20: missing fields
    lines[24] = "1025,7,2025-01-01 00:00:00,n/a,card"  # row 25: text in a number
    put(tmp_path, PAY, "bad_rows.csv", PAYMENTS + "\n".join(lines) + "\n")
    result = load(client, tmp_path)
    o = outcome_of(result, "bad_rows.csv")
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_rejected) == ("loaded", 30, 25, 5)
    rejected = rows(client, "SELECT source_row, raw_text, reason FROM raw.load_rejected_rows "
                            "WHERE batch_id = {b:UUID} ORDER BY source_row", b=o.batch_id)
    assert [r[0] for r in rejected] == [5, 10, 15, 20, 25]
    assert "not-a-date" in rejected[0][1] and "column paid_at: not a valid time" in rejected[0][2]
    assert rejected[2][2] == "column paid_at: not a valid time: 2025-02-30 10:00:00"
    assert rejected[3][1] == "1020,7,2025-01-01 00:00:00" and "less columns" in rejected[3][2]
    assert rejected[4][1] == "1025,7,2025-01-01 00:00:00,n/a,card" and "amount_rub" in rejected[4][2]
    assert "required column payment_id is empty" in rejected[1][2]
    assert "\n" not in "".join(r[2] for r in rejected)
    loaded = rows(client, "SELECT payment_id, _source_row FROM raw.brm__payments WHERE _batch_id = {b:UUID} "
                          "ORDER BY _source_row", b=o.batch_id)
    assert all(pid == str(1000 + row) for pid, row in loaded), loaded
    assert batch_row(client, o.batch_id)[:4] == ("committed", 30, 25, 5)


@pytest.mark.parametrize("name, content, reason", [
    ("empty.csv", b"", "empty file"),
    ("wrong_delimiter.csv", PAYMENTS.replace(",", ";").encode() + b"1;2;2025-01-01 00:00:00;1;card\n", "wrong delimiter"),
    ("missing_column.csv", b"payment_id,account_id,paid_at,amount_rub\n1,2,2025-01-01 00:00:00,1\n", "lacks columns"),
    ("extra_column.csv", PAYMENTS.rstrip().encode() + b",note\n1,2,2025-01-01 00:00:00,1,card,x\n", "does not define: note"),
    ("cp1251.csv", (PAYMENTS + "1,2,2025-01-01 00:00:00,1,наличные\n").encode("cp1251"), "not valid UTF-8"),
    ("truncated.csv", (PAYMENTS + "1,2,2025-01-01 00:00:00,1,ca").encode(), "truncated"),
    ("truncated.csv.gz", gzip.compress((PAYMENTS + "1,2,2025-01-01 00:00:00,1,card\n" * 500).encode())[:-40],
     "truncated"),
])
def test_unreadable_files_are_rejected_whole_and_the_run_fails(client, tmp_path, name, content, reason):
    put(tmp_path, PAY, name, content)
    put(tmp_path, PAY, "fine.csv", PAYMENTS + f"{abs(hash(name)) % 10**9},2,2025-01-01 00:00:00,1,card\n")
    result = load(client, tmp_path)
    assert not result.ok
    o = outcome_of(result, name)
    assert o.status == "rejected" and reason in o.reason and "\n" not in o.reason
    assert outcome_of(result, "fine.csv").status == "loaded"
    assert batch_row(client, o.batch_id)[0] == "rejected"
    again = load(client, tmp_path)
    assert outcome_of(again, name).status == "skipped" and "rejected before" in outcome_of(again, name).reason


def test_bom_crlf_quoted_newlines_big_field_and_gzip(client, tmp_path):
    big = "Я" * (1 << 19)  # 1 MB of UTF-8 in one field
    body = ("\ufeff" + PAYMENTS.replace("\n", "\r\n")
            + '401,1,2025-03-01 00:00:00,1.00,"line one\r\nline two"\r\n'
            + f'402,2,2025-03-01 00:00:00,2.00,"{big}"\r\n'
            + '403,3,2025-03-01 00:00:00,3.00,"say ""hi"""\r\n')
    put(tmp_path, PAY, "bom_crlf.csv", body)
    put(tmp_path, PAY, "zipped.csv.gz", gzip.compress((PAYMENTS + "404,4,2025-03-01 00:00:00,4.00,card\n").encode()))
    result = load(client, tmp_path)
    assert result.ok, result
    got = dict(rows(client, "SELECT payment_id, (method, _source_row) FROM raw.brm__payments "
                            "WHERE payment_id IN ('401', '402', '403', '404')"))
    assert got == {"401": ("line one\r\nline two", 1), "402": (big, 2), "403": ('say "hi"', 3), "404": ("card", 1)}


def test_awkward_file_names_load_like_any_other(client, tmp_path):
    names = ["it's a \"file\".csv", "выгрузка за январь.csv", "glob*{a,b}?[x].csv", "back`tick\\.csv"]
    for index, name in enumerate(names):
        put(tmp_path, PAY, name, PAYMENTS + f"{500 + index},1,2025-01-01 00:00:00,1,card\n")
    result = load(client, tmp_path)
    assert result.ok
    assert sorted(o.source.rsplit("/", 1)[1] for o in result.outcomes) == sorted(names)
    assert sorted(r[0] for r in rows(client, "SELECT _source FROM raw.brm__payments WHERE payment_id IN ('500', '501', '502', '503')")) == \
        sorted(f"brm/payments/{name}" for name in names)


def test_uccx_extra_columns_are_kept(client, tmp_path):
    header = ("resourceID,profileID,resourceLoginID,resourceName,resourceGroupID,resourceType,active,autoAvail,"
              "extension,dateInactive,assignedTeamID\n")
    put(tmp_path, "cms.uccx_resource", "Resource.csv", header + '1000,1,"ivanov","Иванов Иван",100,1,1,1,"70000",,7\n')
    result = load(client, tmp_path)
    assert result.ok
    assert rows(client, "SELECT resourceName, _extra, dateInactive FROM raw.cms__uccx_resource") == [
        ("Иванов Иван", {"assignedTeamID": "7"}, None)]


def test_unknown_table_folder_is_reported(client, tmp_path):
    put(tmp_path, "cms.no_such_table", "x.csv", "a\n1\n")
    result = load(client, tmp_path)
    assert not result.ok and "no such table" in result.problems[0]


def test_a_file_of_mostly_bad_rows_is_rejected_whole_and_leaves_nothing(client, tmp_path):
    from parebrick.load.csvload import Limits

    body = PAYMENTS + "".join(f"{700 + i},1,2025-01-01 00:00:00,{'x' if i % 2 else 1},card\n" for i in range(40))
    body = body.replace(",x,", ",1,").replace("card\n", "card,extra\n", 30)
    put(tmp_path, PAY, "mostly_bad.csv", body)
    result = load(client, tmp_path, limits=Limits(max_bad_rows=5, max_bad_ratio=0.1))
    o = outcome_of(result, "mostly_bad.csv")
    assert o.status == "rejected" and "\n" not in o.reason and not result.ok
    assert rows(client, "SELECT count() FROM raw.brm__payments WHERE _batch_id = {b:UUID}", b=o.batch_id) == [(0,)]
    assert rows(client, "SELECT count() FROM raw.load_rejected_rows WHERE batch_id = {b:UUID}", b=o.batch_id) == [(0,)]
    assert batch_row(client, o.batch_id)[0] == "rejected"


def test_only_loads_the_named_tables(client, tmp_path):
    put(tmp_path, PAY, "only.csv", PAYMENTS + "801,1,2025-01-01 00:00:00,1,card\n")
    put(tmp_path, "brm.charges", "charges.csv", "account_id,period_month,charge_type,amount_rub\n1,2025-01,fee,1.00\n")
    result = load(client, tmp_path, only={"brm.charges"})
    assert [o.source for o in result.outcomes] == ["brm/charges/charges.csv"]
    assert not load(client, tmp_path, only={"brm.nope"}).ok
