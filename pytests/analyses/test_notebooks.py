"""The notebooks run headless on the sample warehouse, and each becomes a page with its plots.

A failing cell fails here: a notebook's own checks (its totals against the views') are assertions in its
cells. What a person sees of the pages (opened from the docs site) is checked in pytests/docs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from support import REPO, run_tool

from parebrick.analyses.notebooks import NOTEBOOKS_FOLDER, discover


def test_every_notebook_runs_and_is_written_with_its_plots(executed_analyses) -> None:
    result, out = executed_analyses
    assert result.returncode == 0, result.output[-5000:]
    notebooks = discover(REPO)
    assert {n.name for n in notebooks} >= {"cc_methods", "cc_scorecard", "mkt_campaigns"}
    for notebook in notebooks:
        page = (out / f"{notebook.name}.html").read_text(encoding="utf-8")
        assert f"<title>{notebook.title}</title>" in page
        assert "Traceback" not in page, f"{notebook.name}: a cell printed a traceback"
        plots = page.count('src="data:image/png;base64,')
        assert plots >= 2, f"{notebook.name}: {plots} plots in its page"
        # the page is complete offline: no script or style fetched from elsewhere
        assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', page), notebook.name


def test_the_campaign_notebook_runs_on_the_campaign_warehouse(campaign_warehouse) -> None:
    """The campaign notebook alone, on the warehouse of the campaign golden tests (crm and brm only): its own
    checks pass (the members against the results, Python against SQL), its plots are drawn, and its
    recommendations are printed."""
    out = campaign_warehouse.root / "analyses"
    result = campaign_warehouse.run("parebrick", "analyses", "mkt_campaigns", "--target", campaign_warehouse.target,
                                    "--out", str(out), ok=False)
    assert result.returncode == 0, result.output[-5000:]
    page = (out / "mkt_campaigns.html").read_text(encoding="utf-8")
    assert "Traceback" not in page
    assert page.count('src="data:image/png;base64,') >= 4      # forest, before/after, Qini curves, priority
    assert "checked: " in page and "equal the view's to 1e-09" in page
    assert "1. Offer " in page and "in priority order" in page


def test_a_failing_cell_fails_the_run_in_one_line_and_keeps_the_page(tmp_path: Path) -> None:
    """A project whose only notebook asserts something false: exit 1, one line naming the notebook and the
    cell, and the page written with the traceback where it happened."""
    project = tmp_path / "project"
    (project / NOTEBOOKS_FOLDER).mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.example.yml"):
        shutil.copy(REPO / name, project / name)
    (project / NOTEBOOKS_FOLDER / "broken.py").write_text(
        "# %% [markdown]\n# # A broken notebook\n\n# %%\ntotal = 2 + 2\n\n# %%\nassert total == 5, 'the totals differ'\n",
        encoding="utf-8")
    result = run_tool(["parebrick", "analyses", "--out", str(tmp_path / "out")], cwd=project,
                      env={"PAREBRICK_PROJECT_DIR": str(project), "PAREBRICK_WAREHOUSE": str(tmp_path / "wh")})
    assert result.returncode == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    assert "broken.py: code cell 2: AssertionError: the totals differ" in errors[0], result.output
    page = (tmp_path / "out" / "broken.html").read_text(encoding="utf-8")
    assert "<title>A broken notebook</title>" in page and "the totals differ" in page


def test_an_unknown_notebook_is_one_line(tmp_path: Path) -> None:
    result = run_tool(["parebrick", "analyses", "no_such_notebook", "--out", str(tmp_path)], cwd=REPO)
    assert result.returncode == 1
    assert result.output.strip().startswith("error: no notebook named no_such_notebook"), result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
