"""What a person watching a load sees: a progress line per file and a summary table at the end."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from parebrick.load.runner import FileOutcome, RunResult

_STYLE = {"loaded": "green", "skipped": "dim", "rejected": "red", "failed": "red"}


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _rate(outcome: FileOutcome) -> str:
    return f"{_n(int(outcome.rows_read / outcome.seconds))} rows/s" if outcome.seconds > 0 and outcome.rows_read else ""


class ProgressReporter:
    """A live line per file: spinning while the engine parses it, then its rows, rejected rows and rows/s.

    The engine reads the file inside its own threads and reports no progress to the caller, so the line
    shows the file's size and the time elapsed until the counts are known.
    """

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=20),
            TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), console=console, transient=False,
        )
        self._task = None

    def __enter__(self) -> "ProgressReporter":
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def file_started(self, table: str, source: str, size_bytes: int, path: Path | None = None) -> None:
        self._task = self.progress.add_task(source.rsplit("/", 1)[-1], total=None, detail=f"{size_bytes / 1e6:.1f} MB")

    def file_finished(self, outcome: FileOutcome) -> None:
        if self._task is None:
            return
        style = _STYLE.get(outcome.status, "")
        detail = f"[{style}]{outcome.status}[/{style}]"
        if outcome.status == "loaded":
            detail += f" {_n(outcome.rows_loaded)} rows, {_n(outcome.rows_rejected)} rejected, {_rate(outcome)}"
        self.progress.update(self._task, total=1, completed=1, detail=detail)
        self._task = None


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
