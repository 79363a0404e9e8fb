"""The data map in a real browser: the docs site of a throwaway project build, served on 127.0.0.1 and
driven by Debian's headless chromium (selenium + chromium-driver; no browser is ever downloaded).

What analysts do with the map is search a name, open it and read what it is, what its columns mean and
where it comes from; the test does exactly that for the published view `v_cc_service_daily` and keeps a
screenshot in `.artifacts/docs/` for a human to look at. It also looks at what a person sees of the overview
page (the colour legend as drawn pixels, not as markup) and opens every notebook from the site, as
`make analyses` writes them beside it.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support import REPO, run_tool

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MODEL = "v_cc_service_daily"
ARTIFACTS = REPO / ".artifacts" / "docs"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000")


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory, executed_analyses) -> Path:
    """`dbt docs generate` with an empty catalog: descriptions, columns and lineage come from the manifest,
    so no data needs building; the warehouse and target are throwaway folders. The notebooks' pages, run
    on the sample warehouse, are put beside it as `make analyses` puts them (target/analyses/)."""
    scratch = tmp_path_factory.mktemp("docs-site")
    profiles = scratch / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text((REPO / "profiles.example.yml").read_text(encoding="utf-8"), encoding="utf-8")
    done = run_tool(
        ["dbt", "docs", "generate", "--empty-catalog", "--static", "--profiles-dir", str(profiles),
         "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs")],
        cwd=REPO, env={"PAREBRICK_WAREHOUSE": str(scratch / "warehouse")},
    )
    assert done.returncode == 0, done.output
    target = scratch / "target"
    for name in ("index.html", "manifest.json", "catalog.json", "static_index.html"):
        assert (target / name).exists(), f"dbt docs generate did not write {name}"
    ran, pages = executed_analyses
    assert ran.returncode == 0, ran.output[-3000:]
    shutil.copytree(pages, target / "analyses")
    return target


@pytest.fixture(scope="module")
def served(docs_site: Path) -> Iterator[str]:
    """The site over HTTP on an ephemeral loopback port (the docs app fetches manifest.json, so file:// fails)."""

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(docs_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Debian chromium with a fresh profile. Missing chromium is a failure, not a skip: the map is
    part of the product, and `make test` installs the browser (`make browser`)."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing; run `make browser` (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def test_layer_colours_reach_the_docs(docs_site: Path) -> None:
    """Each layer folder's `+docs.node_color` lands on its models, and the colours differ by layer."""
    manifest = json.loads((docs_site / "manifest.json").read_text(encoding="utf-8"))
    colours: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed") and node["package_name"] == "parebrick":
            layer = node["original_file_path"].split("/")[1] if node["resource_type"] == "model" else "seed"
            colours.setdefault(layer, set()).add(node["docs"].get("node_color") or "")
    assert set(colours) >= {"staging", "detail", "aggregate", "view", "seed"}
    assert all(len(c) == 1 and "" not in c for c in colours.values()), colours
    assert len({next(iter(c)) for c in colours.values()}) == len(colours), "two layers share a colour"


def test_search_open_and_read_v_cc_service_daily(served: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    browser.get(f"{served}/index.html")
    # The overview page first: what lies where, the colour legend, the glossary and the БФТ.
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "body"), "What lies where"))
    overview = browser.find_element(By.TAG_NAME, "body").text
    for heading in ("Colours in the lineage graph", "The metric glossary", "Asking for a report (БФТ)"):
        assert heading in overview, f"the overview page lacks {heading!r}"
    search = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "input[placeholder^='Search for models']")))
    search.send_keys(MODEL)
    result = wait.until(ec.element_to_be_clickable(
        (By.CSS_SELECTOR, f".search-result[href='#!/model/model.parebrick.{MODEL}']")))
    result.click()
    wait.until(ec.url_contains(f"model.parebrick.{MODEL}"))
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "body"), "Depends On"))
    page = browser.find_element(By.TAG_NAME, "body").text

    # Its description (as written in the YAML) and the metric glossary rendered into the columns.
    assert "daily service report per local date" in page
    for column in ("report_date", "service_code", "territory_code", "offered", "service_level_pct"):
        assert f"\n{column}\n" in page, f"column {column} is not listed on the model page"
    assert "Offered (поступившие)" in page, "the metric glossary (docs blocks) is not rendered"
    assert "Enforced" in page, "the contract is not shown"

    # Its lineage: the upstream nodes in Depends On, and the lineage graph opened for this model.
    depends_on = page[page.index("Depends On", page.index("Columns\n")):]
    assert "agg_cc__service_daily" in depends_on and "dim_services" in depends_on
    browser.find_element(By.CSS_SELECTOR, ".launcher-btn").click()
    graph = wait.until(ec.visibility_of_element_located((By.ID, "graph-viz-wrapper")))
    assert graph.size["width"] > 100 and graph.find_elements(By.TAG_NAME, "canvas")
    selections = [e.get_attribute("value") for e in browser.find_elements(By.TAG_NAME, "input")]
    assert f"+{MODEL}+" in selections, f"the graph is not selected on {MODEL}: {selections}"
    drawn = browser.execute_script(
        "var el = document.getElementById('cy'); var cy = el && el._cyreg && el._cyreg.cy;"
        "return cy ? cy.nodes(':visible').map(function (n) { return [n.id(), n.style('background-color')]; }) : null;")
    assert drawn, "the lineage graph has no drawn nodes (cytoscape not found on #cy)"
    colour = dict(drawn)
    assert f"model.parebrick.{MODEL}" in colour, drawn
    assert colour.get("model.parebrick.agg_cc__service_daily") == "#e9a03b", f"upstream aggregate not drawn in its layer colour: {drawn}"
    assert colour.get("seed.parebrick.dim_services") == "#8d6cab", drawn

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{MODEL}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def _layer_colours(docs_site: Path) -> dict[str, str]:
    """The colour each layer's nodes are drawn in, as the manifest carries it (dbt_project.yml)."""
    manifest = json.loads((docs_site / "manifest.json").read_text(encoding="utf-8"))
    colours = {}
    for node in manifest["nodes"].values():
        if node["package_name"] == "parebrick" and node["resource_type"] in ("model", "seed", "snapshot"):
            layer = node["original_file_path"].split("/")[1] if node["resource_type"] == "model" else node["resource_type"]
            colours[layer] = node["docs"]["node_color"]
    return colours


def _pixels_of(png: bytes, colour: str, tolerance: float = 6 / 255) -> int:
    """How many pixels of a screenshot are drawn in `colour` (#rrggbb)."""
    from matplotlib.image import imread

    image = imread(io.BytesIO(png), format="png")[..., :3]
    wanted = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return int((abs(image - wanted) <= tolerance).all(axis=-1).sum())


def test_the_overview_shows_the_colour_legend_as_drawn_swatches(served: str, browser: Any, docs_site: Path) -> None:
    """A person sees a swatch in each layer's colour on the overview page, and no markup as text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    browser.get(f"{served}/index.html")
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "body"), "Colours in the lineage graph"))
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "<span" not in text and "style=" not in text, "the overview shows HTML as text"
    legend = browser.find_element(By.CSS_SELECTOR, "img[src$='lineage_legend.svg']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", legend)
    wait.until(lambda _: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", legend))
    assert legend.size["width"] > 300, legend.size
    shot = legend.screenshot_as_png
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "overview_legend.png").write_bytes(shot)
    colours = _layer_colours(docs_site)
    assert set(colours) == {"staging", "detail", "aggregate", "view", "seed", "snapshot"}, colours
    # a 24-pixel rounded swatch is some 500 pixels; anti-aliased text never reaches that in one exact colour
    drawn = {layer: _pixels_of(shot, colour) for layer, colour in colours.items()}
    assert all(count >= 300 for count in drawn.values()), f"pixels drawn per layer colour: {drawn}"


def test_every_notebook_opens_from_the_overview_and_from_its_exposure(served: str, browser: Any,
                                                                      docs_site: Path) -> None:
    """Each notebook exposure links its page; the overview links the same pages; each opens with its plots."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from parebrick.analyses.notebooks import discover

    notebooks = {notebook.name: notebook for notebook in discover(REPO)}
    manifest = json.loads((docs_site / "manifest.json").read_text(encoding="utf-8"))
    exposures = {exposure["name"]: exposure["url"] for exposure in manifest["exposures"].values()
                 if exposure["type"] == "notebook"}
    linked = {url.removeprefix("analyses/").removesuffix(".html") for url in exposures.values()}
    assert linked == set(notebooks), f"notebook exposures {exposures} against the notebooks {sorted(notebooks)}"

    wait = WebDriverWait(browser, 30)

    def open_and_look(page: str, href: str) -> None:
        browser.get(page)
        site = browser.current_window_handle
        link = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f"a[href='{href}']")))
        link.click()
        # the exposure's button opens its page in a new tab
        opened = [handle for handle in browser.window_handles if handle != site]
        if opened:
            browser.switch_to.window(opened[0])
        notebook = notebooks[href.removeprefix("analyses/").removesuffix(".html")]
        wait.until(ec.title_is(notebook.title))
        plots = browser.find_elements(By.CSS_SELECTOR, "img[src^='data:image/png']")
        drawn = [p for p in plots if browser.execute_script("return arguments[0].naturalWidth;", p) > 100]
        assert len(drawn) >= 2, f"{href}: {len(drawn)} plots drawn"
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", drawn[0])
        assert browser.save_screenshot(str(ARTIFACTS / f"{notebook.name}.png"))
        if opened:
            browser.close()
            browser.switch_to.window(site)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, url in sorted(exposures.items()):
        open_and_look(f"{served}/index.html#!/overview", url)
        open_and_look(f"{served}/index.html#!/exposure/exposure.parebrick.{name}", url)
