"""The online lists' passwords are never stored, logged or printed: only whether one was given.

Online lists with distinctive random passwords — in good rows, in rows rejected by validation, in malformed
rows, in a file without its header (rejected whole) — are loaded by the `parebrick load` command. Then every
password is looked for in the command's output, in every file the warehouse directory holds (bytes, binary
files too), in the temporary directory the load worked in, and in a text dump of every table the warehouse
has (its column files are compressed, so a byte search alone could miss a value). None may be found, while
the same searches do find a login the rows carry (so they would find a password if one were there).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from loadkit import client, put, rows, warehouse_dir  # noqa: F401 (fixtures)

from parebrick.embedded import open_client
from parebrick.load.runner import load_inbox
from parebrick.load.schema import Column, Format, Freshness, Layout, Table

BIN = Path(sys.executable).parent
TABLE = "smart.online"
HEADER = "client;url;login;password;catalog"


@dataclass(frozen=True)
class Access:
    """One line of an online list as written, and what the warehouse must make of it."""

    line: str
    password: str  # as the line gives it ('' when none); '' is no secret
    client: str = ""
    login: str = ""
    loads: bool = True


def _pw(kind: str = "") -> str:
    return f"Pw{kind}{secrets.token_hex(8)}"


def _access(client: str, password_field: str, password: str, *, loads: bool = True, login: str = "") -> Access:
    login = login or f"login{secrets.token_hex(3)}"
    return Access(f"{client};https://online.example/{client};{login};{password_field};cat{client}", password,
                  client, login, loads)


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> dict:
    """Online lists delivered, loaded once by the command; what was written and what the command printed."""
    root = tmp_path_factory.mktemp("smart_passwords")
    inbox, warehouse, scratch = root / "inbox", root / "warehouse", root / "tmp"
    scratch.mkdir()
    plain, with_delimiter, with_quote, spaced = _pw(), _pw("x;y"), _pw('q"'), f"{_pw()} {_pw()}"
    cyrillic, short, stray, unclosed, headerless = _pw(), _pw(), _pw(), _pw(), _pw()
    good = [
        _access("alpha", plain, plain),
        _access("beta", "", ""),                                          # no password given
        _access("gamma", f'"{with_delimiter}"', with_delimiter),          # quoted, holds the delimiter
        _access("delta", '"' + with_quote.replace('"', '""') + '"', with_quote),  # holds a quote mark
        _access("epsilon", "   ", ""),                                    # only spaces: none given
        _access("zeta", spaced, spaced),
    ]
    bad = [
        _access("Клиент", cyrillic, cyrillic, loads=False),              # fails validation (Latin letters only)
        Access(f"eta;https://online.example/eta;eta1;{short}", short, loads=False),      # a field short
        Access(f'theta;https://online.example/t;t1;"Pw"{stray};cat', stray, loads=False),  # stray quote
    ]
    first = [good[0], bad[0], good[1], bad[1], good[2], bad[2], good[3], good[4], good[5]]
    put(inbox, TABLE, "kodeks_online_01032025.csv", "\n".join([HEADER, *(a.line for a in first)]) + "\n")
    late_password = _pw()
    late = _access("iota", late_password, late_password)
    put(inbox, TABLE, "kodeks_online_02032025.csv",
        "\n".join([HEADER, late.line, f'kappa;https://online.example/k;k1;"{unclosed};cat']) + "\n")
    put(inbox, TABLE, "kodeks-spb_online_01032025.csv", f"lambda;https://online.example/l;l1;{headerless};cat\n")
    env = {**os.environ, "PAREBRICK_WAREHOUSE": str(warehouse), "NO_COLOR": "1", "TMPDIR": str(scratch),
           "COLUMNS": "200"}
    done = subprocess.run([str(BIN / "parebrick"), "load", "--inbox", str(inbox), "--only", TABLE], env=env,
                          capture_output=True, text=True, timeout=600)
    again = subprocess.run([str(BIN / "parebrick"), "load", "--inbox", str(inbox), "--only", TABLE], env=env,
                           capture_output=True, text=True, timeout=600)
    # Beyond the malformed-row limits the engine gives up on a file: its last error becomes the batch's reason.
    strict, refused = root / "strict", _pw()
    put(strict, TABLE, "kodeks_online_03032025.csv", f'{HEADER}\nmu;https://online.example/m;m1;"Pw"{refused};cat\n')
    over = subprocess.run([str(BIN / "parebrick"), "load", "--inbox", str(strict), "--only", TABLE,
                           "--max-bad-rows", "0", "--max-bad-ratio", "0"], env=env, capture_output=True, text=True,
                          timeout=600)
    secrets_given = [refused, plain, with_delimiter, with_quote, spaced, cyrillic, short, stray, unclosed, headerless,
                     late.password]
    return {"root": root, "warehouse": warehouse, "scratch": scratch, "output": done.stdout + done.stderr
            + again.stdout + again.stderr + over.stdout + over.stderr, "over_limit": over.stdout,
            "returncode": done.returncode, "good": [*good, late],
            "passwords": secrets_given}


@pytest.fixture(scope="module")
def dump(landing) -> str:
    """Every row of every table the warehouse holds, as text (system tables: only its logs)."""
    client = open_client(landing["warehouse"])
    try:
        tables = client.query(
            "SELECT database, name FROM system.tables WHERE (database NOT IN ('system', 'INFORMATION_SCHEMA', "
            "'information_schema') OR name LIKE '%log%') AND engine NOT IN ('Null', 'View', 'MaterializedView')"
        ).result_rows
        parts = []
        for database, name in tables:
            result = client.query(f"SELECT * FROM `{database}`.`{name}`")
            parts.extend("\t".join(map(str, row)) for row in result.result_rows)
        return "\n".join(parts)
    finally:
        client.close()


def _files_holding(directory: Path, needle: str) -> list[str]:
    wanted = needle.encode("utf-8")
    return [str(path) for path in directory.rglob("*") if path.is_file() and wanted in path.read_bytes()]


def test_the_passwords_are_nowhere_in_the_warehouse_its_output_or_its_scratch(landing, dump):
    assert landing["passwords"] and all(len(p) > 10 for p in landing["passwords"])
    found = {}
    for password in landing["passwords"]:
        for piece in {password, *password.split()}:  # a spaced password: each of its words too
            where = [w for w, text in (("output", landing["output"]), ("warehouse tables", dump)) if piece in text]
            where += _files_holding(landing["warehouse"], piece) + _files_holding(landing["scratch"], piece)
            if where:
                found[piece] = where
    assert found == {}


def test_the_searches_find_what_is_stored(landing, dump):
    """A login is stored: the same searches find it, so a stored password would have been found."""
    login = landing["good"][0].login
    assert login in dump
    assert _files_holding(landing["warehouse"], login)


def test_has_password_tells_each_access_and_bad_rows_are_quarantined_redacted(landing):
    client = open_client(landing["warehouse"])
    try:
        stored = dict(((c, login), has) for c, login, has in client.query(
            "SELECT client, login, has_password FROM raw.smart__online").result_rows)
        quarantined = client.query(
            "SELECT source, source_row, raw_text, reason FROM raw.load_rejected_rows ORDER BY source, source_row"
        ).result_rows
        batches = client.query(
            "SELECT source, status, rows_read, rows_loaded, rows_rejected, reason FROM raw.load_batches "
            "WHERE status != 'started' ORDER BY source").result_rows
    finally:
        client.close()
    assert stored == {(a.client, a.login): bool(a.password.strip()) for a in landing["good"]}
    by_source = {source: (status, read, loaded, rejected, reason) for source, status, read, loaded, rejected, reason
                 in batches}
    assert by_source["smart/online/kodeks_online_01032025.csv"][:4] == ("committed", 9, 6, 3)
    status, read, loaded, rejected, reason = by_source["smart/online/kodeks_online_02032025.csv"]
    assert status == "committed" and read == loaded + rejected and loaded == 1
    status, *_, reason = by_source["smart/online/kodeks-spb_online_01032025.csv"]
    assert status == "rejected" and reason.startswith("header lacks columns")
    first = [(row, text, why) for source, row, text, why in quarantined if source.endswith("01032025.csv")
             and "kodeks_" in source]
    assert [row for row, _, _ in first] == [2, 4, 6]
    assert "[redacted]" in first[0][1] and "Клиент" in first[0][1] and "does not match" in first[0][2]
    assert first[1][1].startswith("[text withheld")  # a field short: where the password is cannot be told


def test_a_list_refused_for_too_many_malformed_rows_says_why_without_the_password(landing):
    assert "more malformed rows than allowed" in landing["over_limit"], landing["over_limit"]


def test_a_list_loaded_twice_is_loaded_once(landing):
    client = open_client(landing["warehouse"])
    try:
        counts = client.query("SELECT source, countIf(status = 'committed') FROM raw.load_batches "
                              "GROUP BY source").result_rows
    finally:
        client.close()
    assert all(n <= 1 for _, n in counts) and "already loaded" in landing["output"]


def test_the_blocks_and_json_lines_readers_redact_a_presence_only_field_too(client, tmp_path):
    """Any reader: a rejected line keeps its other fields and `[redacted]`, or is withheld when unsplittable."""
    secret = Column("has_key", "Bool", "whether a key was given", source_name="key", presence_only=True)
    name = Column("name", "String", "a name", pattern="^[a-z]+$")
    blocks = Table("test", "keyed_blocks", "crafted", Format("b", reader="blocks", delimiter=";", suffixes=(".csv",),
                   layouts=(Layout("one", ("name", "has_key")),)), (name, secret), key=("name",),
                   partition_by=None, freshness=Freshness(1, 2))
    lines = Table("test", "keyed_lines", "crafted", Format("j", reader="jsonl", suffixes=(".jsonl",)),
                  (name, secret), key=("name",), partition_by=None, freshness=Freshness(1, 2))
    keys = [_pw() for _ in range(5)]
    put(tmp_path, "test.keyed_blocks", "a.csv", f"alpha;{keys[0]}\nBeta;{keys[1]}\ngamma;{keys[2]};x\ndelta;\n")
    put(tmp_path, "test.keyed_lines", "a.jsonl", "\n".join([
        json.dumps({"name": "alpha", "key": keys[3]}), json.dumps({"name": "Beta", "key": keys[4]}),
        '{"name": "gamma", "key": "' + keys[2] + '"']) + "\n")
    outcomes = {o.table: o for o in load_inbox(client, tmp_path, tables=[blocks, lines]).outcomes}
    assert [(o.rows_loaded, o.rows_rejected) for o in outcomes.values()] == [(2, 2), (1, 2)]
    assert rows(client, "SELECT name, has_key FROM raw.test__keyed_blocks ORDER BY name") == [
        ("alpha", True), ("delta", False)]
    assert rows(client, "SELECT name, has_key FROM raw.test__keyed_lines") == [("alpha", True)]
    kept = rows(client, "SELECT table_name, source_row, raw_text FROM raw.load_rejected_rows "
                        "ORDER BY table_name, source_row")
    assert [(t, n, text.split(":")[0]) for t, n, text in kept] == [
        ("test__keyed_blocks", 2, "Beta;[redacted]"), ("test__keyed_blocks", 3, "[text withheld"),
        ("test__keyed_lines", 2, '{"name"'), ("test__keyed_lines", 3, "[text withheld")]
    assert kept[2][2] == '{"name":"Beta","key":"[redacted]"}'
    everything = "\n".join(map(str, rows(client, "SELECT * FROM raw.load_rejected_rows")))
    assert not [key for key in keys if key in everything]
