"""What the person watching a load sees: a bar that follows the engine through the file, then exact counts."""

from __future__ import annotations

import io

from loadkit import client, load, put, warehouse_dir  # noqa: F401 (fixtures)
from rich.console import Console

from parebrick.load.progress import ProgressReporter, bytes_per_row
from parebrick.load.readpos import read_offsets, slowest_reader

PAYMENTS = "payment_id,account_id,paid_at,amount_rub,method\n"


def test_read_offsets_follow_every_open_descriptor_of_the_file(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(b"x" * 10_000)
    link = tmp_path / "link.csv"
    link.symlink_to(path)
    assert slowest_reader(path) is None
    with open(path, "rb", buffering=0) as first, open(link, "rb", buffering=0) as second:
        first.read(4_000)
        second.read(1_500)
        assert sorted(read_offsets(path)) == [1_500, 4_000]
        assert slowest_reader(path) == 1_500
    assert read_offsets(path) == []


def test_bytes_per_row_comes_from_the_rows_after_the_header(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(PAYMENTS + "1,1,2025-01-02 10:00:00,10.50,card\n" * 3)
    assert bytes_per_row(path) == len("1,1,2025-01-02 10:00:00,10.50,card\n")
    gz = tmp_path / "p.csv.gz"
    gz.write_bytes(b"")
    assert bytes_per_row(gz) is None


def test_the_bar_ends_with_the_exact_counts_of_the_file(client, tmp_path):
    body = "".join(f"{n},{n % 7},2025-01-02 10:00:00,10.50,card\n" for n in range(1, 5001))
    put(tmp_path, "brm.payments", "many.csv", PAYMENTS + body + "5001,1,2025-01-02 10:00:00,x,card\n")
    out = io.StringIO()
    console = Console(file=out, width=160, force_terminal=False)
    with ProgressReporter(console) as reporter:
        result = load(client, tmp_path, reporter=reporter)
    assert result.outcomes[0].rows_loaded == 5000
    text = out.getvalue()
    assert "many.csv" in text
    assert "loaded 5 000 rows, 1 rejected" in text
    assert "rows/s" in text
