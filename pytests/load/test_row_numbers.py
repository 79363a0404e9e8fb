"""Every row carries its exact record number, however the engine reads the file.

Files big enough for the engine to parse in several parallel segments (it cuts about every 10 MB), in
the ways the loader reads them: a clean plain file (the fast way), a plain file with unparsable rows and
a gzip file (the exact way). The bench's call-detail extract numbers its sessions 1, 2, 3 …, so a row's
record number can be read off its session id.
"""

from __future__ import annotations

import gzip
import threading
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from loadkit import client, rows, warehouse_dir  # noqa: F401 (fixtures)

from parebrick.load import feed, rawwriter
from parebrick.load.bench import TABLE, write_call_detail
from parebrick.load.csvload import Limits, load_csv
from parebrick.load.inspect import inspect_file

ROWS = 300_000  # about 23 MB
FIRST_SESSION = 1_000_000_000_000


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("extract") / "ContactCallDetail.csv"
    write_call_detail(path, ROWS, seed=5)
    return path.read_bytes()


@pytest.fixture(scope="module")
def landing(client) -> str:
    rawwriter.ensure_bookkeeping(client)
    rawwriter.ensure_raw_table(client, TABLE)
    return rawwriter.ensure_landing(client, TABLE)


def load(client, landing: str, path: Path):
    batch = uuid.uuid4()
    result = load_csv(client, TABLE, path, inspect_file(path, TABLE), landing=landing, batch_id=batch,
                      source=path.name, loaded_at=datetime(2025, 1, 1))
    return batch, result


def misnumbered(client, batch) -> int:
    return rows(client, "SELECT countIf(_source_row != sessionID - {first:Int64} + 1) FROM raw.cms__uccx_contact_call_detail "
                        "WHERE _batch_id = {b:UUID}", first=FIRST_SESSION, b=str(batch))[0][0]


def with_unparsable_rows(extract: bytes, records: list[int]) -> bytes:
    lines = extract.split(b"\n")
    for record in records:  # lines[0] is the header: lines[r] is record r
        fields = lines[record].split(b",")
        fields[1] = b"not-a-number"  # sessionSeqNum, an Int16 the parser refuses
        lines[record] = b",".join(fields)
    return b"\n".join(lines)


@pytest.mark.skipif(not feed.available(), reason="the fast way needs named pipes and splice (Linux)")
def test_a_clean_plain_file_is_read_the_fast_way_with_exact_numbers(client, landing, extract, tmp_path):
    path = tmp_path / "clean.csv"
    path.write_bytes(extract)
    batch, result = load(client, landing, path)
    assert (result.rows_loaded, result.rows_rejected, result.fast) == (ROWS, 0, True)
    assert misnumbered(client, batch) == 0


def test_unparsable_rows_in_late_segments_keep_every_number_exact(client, landing, extract, tmp_path):
    path = tmp_path / "unparsable.csv"
    bad = [7, 150_001, 299_999]
    path.write_bytes(with_unparsable_rows(extract, bad))
    batch, result = load(client, landing, path)
    assert (result.rows_loaded, result.rows_rejected, result.fast) == (ROWS - 3, 3, False)
    assert misnumbered(client, batch) == 0
    assert [r[0] for r in rows(client, "SELECT source_row FROM raw.load_rejected_rows WHERE batch_id = {b:UUID} "
                                       "ORDER BY source_row", b=str(batch))] == bad


def test_a_gzip_file_is_numbered_exactly(client, landing, extract, tmp_path):
    path = tmp_path / "zipped.csv.gz"
    path.write_bytes(gzip.compress(with_unparsable_rows(extract, [200_000]), compresslevel=1))
    batch, result = load(client, landing, path)
    assert (result.rows_loaded, result.rows_rejected) == (ROWS - 1, 1)
    assert misnumbered(client, batch) == 0


def test_columns_in_another_order_are_read_by_their_names(client, landing, tmp_path):
    header = TABLE.column_names[::-1]
    record = {name: "" for name in header} | {
        "sessionID": "42", "sessionSeqNum": "0", "nodeID": "1", "profileID": "1", "applicationName": "APP_X",
        "startDateTime": "2025-01-02 03:04:05.678", "endDateTime": "2025-01-02 03:05:00.000"}
    path = tmp_path / "reversed.csv"
    path.write_text(",".join(header) + "\n" + ",".join(record[name] for name in header) + "\n")
    batch, result = load(client, landing, path)
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    assert rows(client, "SELECT sessionID, applicationName, toString(startDateTime), _source_row "
                        "FROM raw.cms__uccx_contact_call_detail WHERE _batch_id = {b:UUID}", b=str(batch)) == [
        (42, "APP_X", "2025-01-02 03:04:05.678", 1)]


def test_a_query_that_fails_before_reading_leaves_no_feeder_waiting(client, tmp_path):
    path = tmp_path / "some.csv"
    path.write_bytes(b"a\n1\n2\n")
    with pytest.raises(Exception, match="UNKNOWN_DATABASE"):
        with feed.Feed(path, str(tmp_path)) as rows_pipe:
            client.command("INSERT INTO no_such_db.no_such_table SELECT * FROM file({p:String}, 'CSV', 'a String')",
                           parameters={"p": rows_pipe.path})
    assert not [thread for thread in threading.enumerate() if thread.name == "parebrick-feed"]


def test_an_engine_that_gives_up_mid_file_stops_the_feed(client, landing, extract, tmp_path):
    """Far more unparsable rows than allowed, from the middle of a big file on: the engine stops reading
    there; its error is the load's, and the thread feeding it the file ends too."""
    path = tmp_path / "rotten_half.csv"
    path.write_bytes(with_unparsable_rows(extract, list(range(ROWS // 2, ROWS))))
    with pytest.raises(Exception, match="CANNOT_PARSE|TOO_MANY|INCORRECT_DATA"):
        load_csv(client, TABLE, path, inspect_file(path, TABLE), landing=landing, batch_id=uuid.uuid4(),
                 source=path.name, loaded_at=datetime(2025, 1, 1), limits=Limits(max_bad_rows=10, max_bad_ratio=0.0))
    assert not [thread for thread in threading.enumerate() if thread.name == "parebrick-feed"]
