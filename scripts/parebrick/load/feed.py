"""Feed the data rows of a plain extract to the engine through a named pipe, without the header line.

The engine numbers the rows of a stream exactly when it parses the stream in parallel segments only if
the stream has no header (with one, its later segments are numbered one too high). So the loader hands
it the rows alone: a thread moves the file's bytes after the header into a pipe with `splice`, inside the
kernel, without copying them through Python. The thread's descriptor on the file advances as the engine
takes the bytes, which is where the progress bar looks (`readpos`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

_SPLICE_BYTES = 1 << 20


def available() -> bool:
    """Whether this system has named pipes and `splice` (Linux)."""
    return hasattr(os, "splice") and hasattr(os, "mkfifo")


def header_length(fd: int) -> int:
    """Bytes up to and including the first line break of the file (all of it when it has none)."""
    offset = 0
    while chunk := os.pread(fd, 1 << 16, offset):
        newline = chunk.find(b"\n")
        if newline >= 0:
            return offset + newline + 1
        offset += len(chunk)
    return offset


class Feed:
    """A named pipe in `workdir` carrying the rows of `source`; use as a context around the engine's read.

    Leaving the context waits for the feeding thread. After a read that succeeded, every byte must have
    gone through: a feed that stopped early would otherwise look to the engine like a shorter file.
    """

    def __init__(self, source: Path, workdir: str):
        self.source = source
        self.path = os.path.join(workdir, "rows.pipe")
        os.mkfifo(self.path, 0o600)
        self._thread = threading.Thread(target=self._run, name="parebrick-feed", daemon=True)
        self._failure: BaseException | None = None
        self._fed = 0
        self._expected = -1

    def __enter__(self) -> Feed:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            with open(self.source, "rb", buffering=0) as handle:
                fd = handle.fileno()
                start = header_length(fd)
                self._expected = os.fstat(fd).st_size - start
                os.lseek(fd, start, os.SEEK_SET)
                pipe = os.open(self.path, os.O_WRONLY)  # returns when the engine opens the pipe to read
                try:
                    while moved := os.splice(fd, pipe, _SPLICE_BYTES):
                        self._fed += moved
                finally:
                    os.close(pipe)
        except BaseException as exc:  # reported on leaving the context; BrokenPipeError: the engine stopped
            self._failure = exc

    def _release_writer(self) -> None:
        """Let a writer still waiting for a reader (the engine failed before opening the pipe) go: it finds
        a reader that is gone at once, and its next write fails."""
        reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        os.close(reader)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        while self._thread.is_alive():
            self._release_writer()
            self._thread.join(timeout=0.1)
        if exc_type is not None:
            return  # the engine's error says what went wrong
        if self._failure is not None:
            raise RuntimeError(f"feeding {self.source.name} to the engine failed: {self._failure}") from self._failure
        if self._fed != self._expected:
            raise RuntimeError(f"the engine finished {self.source.name} after {self._fed} of its "
                               f"{self._expected} bytes of rows")
