"""Run the notebooks of `analyses/notebooks/` headless and write each as HTML with its plots.

A notebook is kept in git as a jupytext percent-format text file (`# %%` cells): a pull request shows its
code and prose as a plain diff, and no output, plot or warehouse number is ever committed. Jupyter opens
the same file as a notebook (jupytext). Here each one is read, executed top to bottom in a fresh Python
kernel of this environment, and exported to `<out>/<name>.html` with its plots embedded, so the HTML needs
nothing but a browser and the docs site can link it.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbconvert import HTMLExporter

from parebrick.profile import project_dir

NOTEBOOKS_FOLDER = Path("analyses") / "notebooks"
KERNEL = "python3"
CELL_TIMEOUT_SEC = 600
TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Notebook:
    name: str
    source: Path

    @property
    def title(self) -> str:
        """The first heading of the notebook's first markdown cell, else its name."""
        for cell in jupytext.read(self.source).cells:
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("# "):
                        return line[2:].strip()
        return self.name


@dataclass(frozen=True)
class Outcome:
    notebook: Notebook
    html: Path
    seconds: float
    error: str | None   # one line: the failing cell and its exception; None when every cell ran

    @property
    def ok(self) -> bool:
        return self.error is None


def discover(project: Path | None = None, names: Sequence[str] = ()) -> list[Notebook]:
    """The project's notebooks, by name; `names` selects some (an unknown name is an error)."""
    folder = (project or project_dir()) / NOTEBOOKS_FOLDER
    found = {path.stem: Notebook(path.stem, path) for path in sorted(folder.glob("*.py"))}
    unknown = [name for name in names if name not in found]
    if unknown:
        raise LookupError(f"no notebook named {', '.join(unknown)} in {NOTEBOOKS_FOLDER} "
                          f"(has: {', '.join(found) or 'none'})")
    return [found[name] for name in names] if names else list(found.values())


def run(notebook: Notebook, out: Path, *, target: str | None = None) -> Outcome:
    """Execute one notebook against `target` and write its HTML, also when a cell fails (the error shows
    in the page where it happened)."""
    project = project_dir()
    document = jupytext.read(notebook.source)
    document.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    started = time.monotonic()
    error = None
    with _environment(target, project), tempfile.TemporaryDirectory(prefix="parebrick-kernel-") as sockets:
        # The kernel talks to this process over Unix sockets in a private folder, not over loopback TCP.
        kernel = KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(Path(sockets) / "kernel"))
        client = NotebookClient(document, km=kernel, timeout=CELL_TIMEOUT_SEC,
                                resources={"metadata": {"path": str(project)}})
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError) as exc:
            error = _one_line(document, exc)
        finally:
            if kernel.has_kernel:
                kernel.shutdown_kernel()
    seconds = time.monotonic() - started
    out.mkdir(parents=True, exist_ok=True)
    html = out / f"{notebook.name}.html"
    html.write_text(to_html(document, notebook.title), encoding="utf-8")
    return Outcome(notebook, html, seconds, error)


def to_html(document: nbformat.NotebookNode, title: str) -> str:
    """The executed notebook as one self-contained page: plots inline, nothing fetched from the internet
    (templates/offline)."""
    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="offline", embed_images=True)
    html, _ = exporter.from_notebook_node(document, resources={"metadata": {"name": title}})
    return html


@contextmanager
def _environment(target: str | None, project: Path) -> Iterator[None]:
    """The kernel inherits this process's environment: the target and the project it reads."""
    saved = {key: os.environ.get(key) for key in ("DBT_TARGET", "PAREBRICK_PROJECT_DIR", "MPLBACKEND")}
    if target:
        os.environ["DBT_TARGET"] = target
    os.environ["PAREBRICK_PROJECT_DIR"] = str(project)
    # Figures are drawn into the page (the inline backend), never into a window.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _one_line(document: nbformat.NotebookNode, exc: Exception) -> str:
    """Which cell failed and with what, in one line (the whole traceback is in the HTML)."""
    code_cells = [cell for cell in document.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"code cell {number}: {output.get('ename')}: {' '.join(str(output.get('evalue')).split())}"
    return " ".join(str(exc).split())[:300]
