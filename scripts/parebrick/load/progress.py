"""What a person watching a load sees: a progress line per file and a summary table at the end."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from parebrick.load.readpos import slowest_reader
from parebrick.load.runner import FileOutcome, RunResult

_SAMPLE_BYTES = 1 << 20
_POLL_SECONDS = 0.25

_STYLE = {"loaded": "green", "skipped": "dim", "rejected": "red", "failed": "red"}


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _rate(outcome: FileOutcome) -> str:
    return f"{_n(int(outcome.rows_read / outcome.seconds))} rows/s" if outcome.seconds > 0 and outcome.rows_read else ""


def bytes_per_row(path: Path) -> float | None:
    """Mean length of the rows in the first megabyte of an uncompressed extract (None for gzip or no rows)."""
    if path.name.lower().endswith(".gz"):
        return None
    try:
        with open(path, "rb") as handle:
            sample = handle.read(_SAMPLE_BYTES)
    except OSError:
        return None
    body = sample.split(b"\n", 1)[1] if b"\n" in sample else b""
    rows = body.count(b"\n")
    return (body.rindex(b"\n") + 1) / rows if rows else None


class _Watcher(threading.Thread):
    """Moves a file's bar as the engine reads the file: bytes read, and rows at the sampled row length."""

    def __init__(self, progress: Progress, task: TaskID, path: Path):
        super().__init__(name="parebrick-progress", daemon=True)
        self.progress, self.task, self.path = progress, task, path
        self.row_bytes = bytes_per_row(path)
        self.stopped = threading.Event()
        self.started_at = time.monotonic()

    def run(self) -> None:
        while not self.stopped.wait(_POLL_SECONDS):
            offset = slowest_reader(self.path)
            if offset is None:
                continue
            detail = f"{offset / 1e6:.0f} MB"
            if self.row_bytes:
                rows = int(offset / self.row_bytes)
                elapsed = time.monotonic() - self.started_at
                detail = f"≈ {_n(rows)} rows, {_n(int(rows / elapsed))} rows/s" if elapsed > 0 else detail
            self.progress.update(self.task, completed=offset, detail=detail)


class ProgressReporter:
    """A live bar per file while the engine parses it, then its rows, rejected rows and rows/s.

    The engine reports nothing to its caller while it parses; the bar follows how far it has read the
    file (`readpos`), and the row count shown meanwhile is estimated from the length of the first rows
    (marked ≈). When the file is done, the line shows the exact counts from the warehouse.
    """

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=20),
            TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), console=console, transient=False,
        )
        self._task: TaskID | None = None
        self._total = 1
        self._watcher: _Watcher | None = None

    def __enter__(self) -> "ProgressReporter":
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop_watching()
        self.progress.stop()

    def file_started(self, table: str, source: str, size_bytes: int, path: Path | None = None) -> None:
        self._total = size_bytes or 1
        self._task = self.progress.add_task(source.rsplit("/", 1)[-1], total=self._total,
                                            detail=f"{size_bytes / 1e6:.1f} MB")
        if path is not None:
            self._watcher = _Watcher(self.progress, self._task, path)
            self._watcher.start()

    def file_finished(self, outcome: FileOutcome) -> None:
        self._stop_watching()
        if self._task is None:
            return
        style = _STYLE.get(outcome.status, "")
        detail = f"[{style}]{outcome.status}[/{style}]"
        if outcome.status == "loaded":
            detail += f" {_n(outcome.rows_loaded)} rows, {_n(outcome.rows_rejected)} rejected, {_rate(outcome)}"
        self.progress.update(self._task, total=self._total, completed=self._total, detail=detail)
        self._task = None

    def _stop_watching(self) -> None:
        if self._watcher is not None:
            self._watcher.stopped.set()
            self._watcher.join()
            self._watcher = None


class QuietReporter:
    """For CI: nothing while loading; problems and a one-line total at the end."""

    def file_started(self, table: str, source: str, size_bytes: int, path: Path | None = None) -> None:
        pass

    def file_finished(self, outcome: FileOutcome) -> None:
        pass


def print_summary(console: Console, result: RunResult, *, quiet: bool) -> None:
    for batch in result.aborted:
        console.print(f"[yellow]cleaned up[/yellow] interrupted batch {batch.batch_id} ({batch.source}): its rows were "
                      "removed; the file loads again now", highlight=False)
    if not quiet and result.outcomes:
        table = RichTable(title="Load summary", title_justify="left")
        for name, justify in (("table", "left"), ("file", "left"), ("status", "left"), ("read", "right"),
                              ("loaded", "right"), ("rejected", "right"), ("seconds", "right"), ("note", "left")):
            table.add_column(name, justify=justify, overflow="fold")
        for o in result.outcomes:
            style = _STYLE.get(o.status, "")
            counted = o.status == "loaded"
            table.add_row(o.table, o.source.rsplit("/", 1)[-1], f"[{style}]{o.status}[/{style}]",
                          _n(o.rows_read) if counted else "", _n(o.rows_loaded) if counted else "",
                          _n(o.rows_rejected) if counted else "", f"{o.seconds:.2f}", o.reason)
        console.print(table)
    for o in result.outcomes:
        if o.status in ("rejected", "failed"):
            console.print(f"[red]{o.status}[/red] {o.source}: {o.reason}", highlight=False, soft_wrap=True)
    for problem in result.problems:
        console.print(f"[red]problem[/red] {problem}", highlight=False, soft_wrap=True)
    counts = {status: sum(1 for o in result.outcomes if o.status == status)
              for status in ("loaded", "skipped", "rejected", "failed")}
    rows = sum(o.rows_loaded for o in result.outcomes)
    bad = sum(o.rows_rejected for o in result.outcomes)
    console.print(
        f"files: {counts['loaded']} loaded, {counts['skipped']} skipped, {counts['rejected']} rejected, "
        f"{counts['failed']} failed; rows: {_n(rows)} loaded, {_n(bad)} quarantined", highlight=False,
    )
