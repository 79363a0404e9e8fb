"""Split a generated landing zone at its last day of calls, to load "one more day" after the rest.

Daily extracts carry their day in the file name (`ContactCallDetail_20250114.csv`, `appeals_20250114.csv`).
The day of the last call-detail extract is the one held back, with every daily extract of that day or later
(appeals resolved late are re-sent after the calls end). Weekly and monthly files (schedules, forecasts,
charges) carry no day, and dictionary snapshots (agents, queues, staff, the CRM's campaigns, named for the
day they were exported) are full copies that the earlier days need too: both go with the first part.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

_DAY = re.compile(r"_(\d{8})(?:_[a-z]+)?$")
_EXTRACT_SUFFIXES = (".csv", ".gz", ".jsonl")
CALLS = Path("cms") / "uccx_contact_call_detail"
_DICTIONARY_SNAPSHOTS = {Path("cms") / "uccx_resource", Path("cms") / "uccx_contact_service_queue",
                         Path("wfm") / "staff", Path("crm") / "campaigns"}


def extract_day(path: Path) -> str | None:
    """The YYYYMMDD an extract file is named for, or None for files that are not daily."""
    stem = path.name.split(".")[0]
    match = _DAY.search(stem)
    return match.group(1) if match else None


def split_at_last_day(inbox: Path, before: Path, by: Path = CALLS, link: bool = False) -> str:
    """Copy into `before` every extract of `inbox` but those of the last day of `by` (the call detail; a
    landing zone without calls names another dated extract); return that day.

    With `link`, the first part holds hard links instead of copies where both are on one file system (a copy
    elsewhere), for a landing zone too big to copy, such as the benchmark's; nothing may then change a file
    through either name.
    """
    call_days = sorted({day for p in (inbox / by).iterdir() if (day := extract_day(p))})
    if not call_days:
        raise ValueError(f"{inbox / by} has no daily extracts to split")
    last = call_days[-1]
    for path in inbox.rglob("*"):
        if not path.is_file() or path.suffix not in _EXTRACT_SUFFIXES:
            continue
        relative = path.relative_to(inbox)
        day = extract_day(path)
        if day is None or day < last or relative.parent in _DICTIONARY_SNAPSHOTS:
            target = before / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if not (link and _linked(path, target)):
                shutil.copy2(path, target)
    return last


def _linked(path: Path, target: Path) -> bool:
    try:
        os.link(path, target)
    except OSError:  # another file system, or one without hard links
        return False
    return True
