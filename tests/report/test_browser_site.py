"""The reader site in headless Chromium (Selenium with Debian's chromium and chromium-driver).

Which site is tested: when ``reports/.executed/`` holds every notebook executed (after
``make reports`` or ``qtlab run``), the site is built from those into a temporary folder, so
every real report is checked. In a clean clone there are no executed notebooks, and executing
all of them here would take minutes; the site is then built from two small executed fixture
notebooks (``test_site_build``) with the real ``reports/results.json``, so the front page is the
real one and the reports are the fixtures. Nothing is written into ``reports/``. To check a site
already built (``reports/`` after ``make reports``, say), set ``QTLAB_BROWSER_SITE`` to its folder.

Skipped, with the reason, when no Chromium and chromedriver are installed (``.ci/run`` installs
them with apt-get).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from helpers.report import site

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
if not (Path(CHROMIUM).is_file() and Path(DRIVER).is_file()):
    pytest.skip("no headless browser: install Debian's chromium and chromium-driver "
                "(apt-get install -y chromium chromium-driver; .ci/run does it)", allow_module_level=True)


def _real_executed() -> Path | None:
    executed = ROOT / "reports" / ".executed"
    names = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    have = {p.stem for p in executed.glob("[0-9][0-9]_*.ipynb")} if executed.is_dir() else set()
    return executed if names and names <= have and (ROOT / "reports" / "results.json").is_file() else None


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site (see the module docstring); ``$QTLAB_BROWSER_SITE`` names an already built one to check."""
    given = os.environ.get("QTLAB_BROWSER_SITE")
    if given:
        return Path(given).resolve()
    root = tmp_path_factory.mktemp("browser_site")
    executed = _real_executed()
    out = root / "out"
    out.mkdir()
    if executed is not None:
        for name in ("results.json", "runs.json"):
            if (ROOT / "reports" / name).is_file():
                shutil.copy(ROOT / "reports" / name, out / name)
        if (ROOT / "reports" / "results").is_dir():
            shutil.copytree(ROOT / "reports" / "results", out / "results")
        site.build_site(executed, out)
        return out
    from test_site_build import build_fixture_site, fixture_results

    real = ROOT / "reports" / "results.json"
    results = json.loads(real.read_text()) if real.is_file() else fixture_results()
    return build_fixture_site(root, results)


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """The site served over HTTP on localhost (as a reader's browser would load it)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        return


def _new_driver(width: int, height: int, javascript: bool = True) -> Any:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='qtlab-chromium-')}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    return driver


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = _new_driver(1280, 800)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def phone() -> Iterator[Any]:
    driver = _new_driver(390, 844)
    yield driver
    driver.quit()


def _pages(site_dir: Path) -> list[str]:
    """The front page, every report and the reading pages (not search, which needs JavaScript)."""
    reports = sorted(p.name for p in site_dir.glob("[0-9][0-9]_*.html"))
    return ["index.html", *reports, "glossary.html", "teaching.html", "data.html"]


def _visit(driver: Any, url: str) -> list[dict[str, Any]]:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(url)
    driver.execute_script("return document.readyState")
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def test_pages_load_without_console_errors_and_images_load(browser: Any, site_dir: Path, base_url: str) -> None:
    problems = {}
    for page in _pages(site_dir):
        errors = _visit(browser, base_url + page)
        broken = browser.execute_script(
            "return [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        missing_alt = browser.execute_script(
            "return [...document.querySelectorAll('article img')].filter(i => !i.alt || i.alt.endsWith('.png'))"
            ".map(i => i.src)")
        if errors or broken or missing_alt:
            problems[page] = {"console": [e["message"] for e in errors], "broken images": broken,
                              "no alt text": missing_alt}
    assert problems == {}


def test_every_internal_link_resolves(browser: Any, site_dir: Path, base_url: str) -> None:
    links: dict[str, set[str]] = {}
    for page in _pages(site_dir):
        browser.get(base_url + page)
        for href in browser.execute_script("return [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            if href.startswith(base_url):
                links.setdefault(href[len(base_url):], set()).add(page)
    broken = {}
    for target, sources in sorted(links.items()):
        parts = urlsplit(target)
        path = site_dir / unquote(parts.path or "index.html")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            broken[target] = sorted(sources)
        elif parts.fragment and path.suffix == ".html" and not re.search(
                rf'id=["\']{re.escape(unquote(parts.fragment))}["\']', path.read_text(encoding="utf-8")):
            broken[target] = sorted(sources)
    assert broken == {}
    assert any(t.startswith("glossary.html#term-") for t in links), "no glossary term is linked from any page"


def test_phone_width_no_horizontal_scroll_and_answer_first(phone: Any, site_dir: Path, base_url: str) -> None:
    wide = {}
    for page in _pages(site_dir):
        phone.get(base_url + page)
        # against the device width, not innerWidth: a mobile browser zooms out to fit overflowing content
        width = phone.execute_script("return document.documentElement.scrollWidth")
        if width > 390:
            wide[page] = width
    assert wide == {}
    phone.get(base_url + "index.html")
    first = phone.execute_script(
        "const p = document.querySelector('#answer p:not(.qt-answer-label)'); const r = p.getBoundingClientRect();"
        "return [r.top, r.bottom, window.innerHeight, p.textContent]")
    assert 0 <= first[0] and first[1] <= first[2], f"the answer's first sentence is not on the first screen: {first}"
    assert "extremely bullish" in first[3]


def test_desktop_first_screen_holds_question_answer_and_counts(browser: Any, base_url: str) -> None:
    browser.get(base_url + "index.html")
    assert browser.execute_script("return document.documentElement.dataset.mode") == "light"
    bottom = browser.execute_script(
        "return [document.querySelector('h1').getBoundingClientRect().top,"
        " document.querySelector('.qt-counts').getBoundingClientRect().bottom, window.innerHeight]")
    assert 0 <= bottom[0] and bottom[1] <= bottom[2], f"question, answer and verdict counts exceed 1280x800: {bottom}"


def test_front_page_reads_without_javascript(site_dir: Path, base_url: str) -> None:
    from selenium.webdriver.common.by import By

    results = json.loads((site_dir / "results.json").read_text())
    driver = _new_driver(1280, 800, javascript=False)
    try:
        driver.get(base_url + "index.html")
        # JavaScript really is off: the theme's inline script, which sets data-mode, did not run
        assert driver.execute_script("return document.documentElement.dataset.mode === undefined")
        answer = driver.find_element(By.ID, "answer")
        assert answer.is_displayed() and "extremely bullish" in answer.text
        rows = driver.find_elements(By.CSS_SELECTOR, "table.qt-claims tbody tr")
        assert len(rows) == len(results["claims"])
        assert all(r.is_displayed() for r in rows[:3])
        assert rows[0].find_element(By.CSS_SELECTOR, ".verdict").text.strip() != ""
    finally:
        driver.quit()

