"""The benchmark's and the golden tests' split of a landing zone at its last day of calls."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from parebrick.bench.inbox import split_at_last_day

FILES = {
    "cms/uccx_contact_call_detail/ContactCallDetail_20250113.csv": "day 13",
    "cms/uccx_contact_call_detail/ContactCallDetail_20250114.csv": "day 14",
    "crm/appeals/appeals_20250113.csv": "appeals 13",
    "crm/appeals/appeals_20250115.csv": "appeals resolved late",
    "cms/uccx_resource/Resource_20250114.csv": "agents as of the last day",
    "wfm/schedules/schedule_week_03.csv": "a weekly file",
    "smart/sysinfo/sysinfo_20250113.jsonl": "sysinfo 13",
    "smart/sysinfo/sysinfo_20250114.jsonl": "sysinfo 14",
    "cms/uccx_contact_call_detail/notes.txt": "not an extract",
}
FIRST_PART = {
    "cms/uccx_contact_call_detail/ContactCallDetail_20250113.csv",
    "crm/appeals/appeals_20250113.csv",
    "cms/uccx_resource/Resource_20250114.csv",
    "wfm/schedules/schedule_week_03.csv",
    "smart/sysinfo/sysinfo_20250113.jsonl",
}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    root = tmp_path / "inbox"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("link", [False, True])
def test_the_last_day_and_what_follows_it_are_held_back(inbox: Path, tmp_path: Path, link: bool) -> None:
    before = tmp_path / "before"
    assert split_at_last_day(inbox, before, link=link) == "20250114"
    assert _files(before) == FIRST_PART
    for name in FIRST_PART:
        assert (before / name).read_text(encoding="utf-8") == FILES[name]


def test_a_linked_first_part_takes_no_room_of_its_own(inbox: Path, tmp_path: Path) -> None:
    split_at_last_day(inbox, tmp_path / "linked", link=True)
    split_at_last_day(inbox, tmp_path / "copied")
    for name in FIRST_PART:
        assert os.path.samefile(tmp_path / "linked" / name, inbox / name)
        assert not os.path.samefile(tmp_path / "copied" / name, inbox / name)
