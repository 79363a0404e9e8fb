"""Benchmark: the loader against ClickHouse's own CSV ingest, on the same file and the same engine.

    python -m parebrick.load.bench [--rows 3000000] [--repeat 2] [--file PATH]

Writes a UCCX ContactCallDetail extract (unless --file names one), then on a throwaway embedded
warehouse times (a) `INSERT INTO t SELECT * FROM file(...)` into a MergeTree table of the same types,
order and partitioning, (b) the same in one stream (`max_threads = 1`: what the loader's exact way costs,
for gzip files and files with unparsable rows), and (c) the loader (identity hash, checks, batch log,
typing, quarantine routing, row numbers, commit), which reads this clean plain file the fast way. Prints
them and the ratio native / loader (target: at least 0.8).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parebrick.embedded import open_client
from parebrick.load.registry import get
from parebrick.load.runner import load_inbox
from parebrick.load.sql import ident, qualified

TABLE = get("cms.uccx_contact_call_detail")


def write_call_detail(path: Path, rows: int, seed: int = 7) -> None:
    """A ContactCallDetail extract of `rows` rows in the UCCX format (vectorised; about 75 bytes a row)."""
    rng = np.random.default_rng(seed)
    header = ",".join(TABLE.column_names) + "\n"
    start = np.datetime64("2025-01-01T00:00:00", "ms") + rng.integers(0, 90 * 86_400_000, rows).astype("timedelta64[ms]")
    end = start + rng.integers(5_000, 900_000, rows).astype("timedelta64[ms]")

    def times(values: np.ndarray) -> pa.Array:
        return pc.replace_substring(pa.array(np.datetime_as_string(values, unit="ms")), "T", " ")

    def ints(low: int, high: int) -> pa.Array:
        return pc.cast(pa.array(rng.integers(low, high, rows)), pa.string())

    def choice(options: list[str]) -> pa.Array:
        return pa.array(np.array(options)[rng.integers(0, len(options), rows)])

    columns = {
        "sessionID": pc.cast(pa.array(np.arange(rows, dtype=np.int64) + 1_000_000_000_000), pa.string()),
        "sessionSeqNum": choice(["0", "0", "0", "1"]), "nodeID": choice(["1", "2"]), "profileID": choice(["1"]),
        "contactType": choice(["1", "1", "1", "2", "3", "5"]), "contactDisposition": choice(["1", "2", "2", "2"]),
        "dispositionReason": choice(["", "", "Agent Hangup"]), "originatorType": choice(["1", "3"]),
        "originatorID": ints(-1, 2000), "originatorDN": ints(9_000_000_000, 9_999_999_999),
        "destinationType": choice(["1", "2"]), "destinationID": ints(-1, 2000), "destinationDN": ints(70_000, 79_999),
        "startDateTime": times(start), "endDateTime": times(end), "gmtOffset": choice(["180"]),
        "calledNumber": ints(88_001_000, 88_001_099), "origCalledNumber": choice(["88001000000"]),
        "applicationName": choice(["APP_B2C_MSK", "APP_TECH1_KRD", "APP_B2B_SPB"]), "connectTime": ints(0, 900),
        "transfer": choice(["0", "0", "1"]), "redirect": choice(["0"]), "conference": choice(["0"]),
    }
    lines = pc.binary_join_element_wise(*[columns[name] for name in TABLE.column_names], ",")
    with open(path, "wb") as handle:
        handle.write(header.encode())
        step = 500_000
        for offset in range(0, rows, step):
            chunk = lines.slice(offset, step)
            chunk = chunk.combine_chunks() if isinstance(chunk, pa.ChunkedArray) else chunk
            block = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(chunk)], pa.int32()), chunk), "\n")
            handle.write(block[0].as_buffer().to_pybytes() + b"\n")


def _settle(client) -> None:
    """Wait until the engine merges nothing, so that neither run pays for the other's background work."""
    for _ in range(600):
        if client.query("SELECT count() FROM system.merges").result_rows[0][0] == 0:
            return
        time.sleep(0.1)


def _native(client, path: Path, *, one_stream: bool = False) -> float:
    """Seconds of the engine's own ingest; `one_stream`: in file order, as the loader's exact way reads."""
    structure = ", ".join(f"{ident(c.name)} {c.type}" for c in TABLE.columns)
    name = qualified("bench", "native")
    client.command(f"DROP TABLE IF EXISTS {name}")
    client.command(f"CREATE TABLE {name} ({structure}) ENGINE = MergeTree PARTITION BY {TABLE.partition_by} "
                   f"ORDER BY ({', '.join(ident(k) for k in TABLE.key)})")
    _settle(client)
    started = time.perf_counter()
    client.command(f"INSERT INTO {name} SELECT * FROM file({{path:String}}, 'CSVWithNames', {{structure:String}})",
                   parameters={"path": str(path), "structure": structure},
                   settings={"max_threads": 1} if one_stream else {})
    return time.perf_counter() - started


def _loader(client, path: Path, workdir: Path) -> tuple[float, int]:
    client.command(f"DROP TABLE IF EXISTS {qualified('bench', 'native')}")
    client.command("TRUNCATE TABLE IF EXISTS raw.load_batches")
    inbox = workdir / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    target = inbox / TABLE.group / TABLE.name
    target.mkdir(parents=True)
    (target / path.name).symlink_to(path)
    _settle(client)
    started = time.perf_counter()
    result = load_inbox(client, inbox, only={TABLE.qualified})
    elapsed = time.perf_counter() - started
    outcome = result.outcomes[0]
    if outcome.status != "loaded":
        raise SystemExit(f"the loader did not load the file: {outcome.status} {outcome.reason}")
    return elapsed, outcome.rows_loaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m parebrick.load.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="paired runs (native then loader); the machine's drift shows in their spread")
    parser.add_argument("--file", type=Path, help="an existing ContactCallDetail extract to use instead")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="parebrick-bench-") as directory:
        workdir = Path(directory)
        path = args.file.resolve() if args.file else workdir / "ContactCallDetail_bench.csv"
        if not args.file:
            started = time.perf_counter()
            write_call_detail(path, args.rows)
            print(f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
        client = open_client(workdir / "warehouse")
        try:
            client.command("CREATE DATABASE IF NOT EXISTS bench")
            natives, one_streams, loaders = [], [], []
            for run in range(args.repeat):
                client.command(f"DROP TABLE IF EXISTS {qualified('raw', TABLE.raw_name)}")
                natives.append(_native(client, path))
                one_streams.append(_native(client, path, one_stream=True))
                seconds, loaded = _loader(client, path, workdir)
                loaders.append(seconds)
                print(f"run {run + 1}: native {natives[-1]:.2f} s, native in one stream {one_streams[-1]:.2f} s, "
                      f"loader {seconds:.2f} s ({loaded:,} rows)")
        finally:
            client.close()
    native, loader = min(natives), min(loaders)
    ratios = sorted(n / l for n, l in zip(natives, loaders))
    median = ratios[len(ratios) // 2]
    one_stream = min(one_streams)
    print(f"native ingest (INSERT … SELECT FROM file()): best {native:.2f} s")
    print(f"native ingest in one stream (max_threads=1): best {one_stream:.2f} s  (file order, as the loader's exact "
          f"way reads; native/one stream {native / one_stream:.2f})")
    print(f"parebrick load:                               best {loader:.2f} s")
    print(f"ratio native/loader: best-of {native / loader:.2f}, median of paired runs {median:.2f} "
          f"(target ≥ 0.80: {'met' if median >= 0.8 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
