"""The exported web pages in a real browser, the Nu HTML checker and axe-core, all offline.

Chromium and chromedriver come from Debian's packages and are driven with
Selenium (no browser download: the driver is the one built for that very
browser). The Nu checker (`vnu-jar`) and axe-core come from the npm registry,
installed by .ci/run into .ci/web/node_modules (or BRIEFING_WEB_TOOLS).
Without them these tests skip with the reason; with BRIEFING_REQUIRE_BROWSER=1
(set by .ci/run) they fail instead. Screenshots go to the test's temporary
folder, or to BRIEFING_SCREENSHOTS when set, to be looked at.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.format.loader import load_path
from briefing.format.model import Briefing
from briefing.render.html import write_site
from tests.hostiletools import hostile_briefing

REPO = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("BRIEFING_REQUIRE_BROWSER") == "1"
TOOLS = Path(os.environ.get("BRIEFING_WEB_TOOLS") or REPO / ".ci" / "web" / "node_modules")
INSTALL_TOOLS = f"looked in {TOOLS}; run `npm ci --ignore-scripts` in .ci/web"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
JAVA = shutil.which("java")
SOURCES = [
    REPO / "content" / "iran-pakistan-2024-01.yaml",
    REPO / "tests" / "fixtures" / "hostile.yaml",
    REPO / "tests" / "app_fixtures" / "hostile.yaml",
    *sorted((REPO / "tests" / "fixtures" / "valid").glob("*.yaml")),
]
BUNDLED_PAGE = "iran-pakistan-2024-01.html"
GOLDEN_PAGE = "terminal-controls.html"
CHECKED_PAGES = [BUNDLED_PAGE, "hostile.html", "hostile-markup.html", GOLDEN_PAGE, "index.html"]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1024,1300",
]


def need(what: str, present: object, how: str) -> None:
    """Skip without a part, or fail when CI requires the browser tests to run."""
    if present:
        return
    message = f"{what} is not available ({how})"
    if REQUIRED:
        pytest.fail(f"{message}; BRIEFING_REQUIRE_BROWSER=1 requires it")
    pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exported folder: the bundled briefing, every hostile fixture, the valid ones."""
    golden = tmp_path_factory.mktemp("golden") / "controls.yaml"
    golden.write_text(hostile_briefing(), encoding="utf-8")
    briefings: dict[str, Briefing] = {}
    for path in [*SOURCES, golden]:
        briefing = load_path(path).briefing
        briefings.setdefault(briefing.id, briefing)
    folder = tmp_path_factory.mktemp("site")
    write_site(list(briefings.values()), folder)
    for name in CHECKED_PAGES:
        assert (folder / name).is_file(), name
    return folder


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("BRIEFING_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_page_is_valid_html5(site: Path, tmp_path: Path) -> None:
    need("Java", JAVA, "apt-get install default-jre-headless")
    need("the Nu HTML checker", VNU.is_file(), INSTALL_TOOLS)
    assert JAVA
    pages = sorted(str(page) for page in site.glob("*.html"))
    assert len(pages) >= 10
    # A broken page checked in the same run proves the checker is really looking.
    canary = tmp_path / "canary.html"
    canary.write_text("<!DOCTYPE html><html><title>x</title><p><div>x</p>", encoding="utf-8")
    result = subprocess.run(
        [JAVA, "-jar", str(VNU), "--format", "json", "--also-check-css", *pages, str(canary)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    messages = json.loads(result.stderr)["messages"]
    ours = [m for m in messages if not m.get("url", "").endswith("/canary.html")]
    shown = [f"{m.get('url')}:{m.get('lastLine')}: {m['type']}: {m['message']}" for m in ours]
    assert not ours, "\n".join(shown)
    assert len(messages) > len(ours) and result.returncode == 1, "the canary was caught"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    need("Chromium", CHROMIUM, "apt-get install chromium")
    need("chromedriver", CHROMEDRIVER, "apt-get install chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need("selenium", False, "pip install -e '.[test]'")
        raise
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(browser: Any, site: Path, name: str, scheme: str = "light") -> None:
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    browser.get((site / name).as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    dark = browser.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark is (scheme == "dark")


def shoot(browser: Any, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    png = browser.get_screenshot_as_png()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000, "a page with text on it"
    path.write_bytes(png)
    return path


SELF_CONTAINED = """
const found = [];
for (const el of document.querySelectorAll(
    'script,iframe,frame,object,embed,img,picture,video,audio,source,track,link,base,form,' +
    '[src],[srcset],[style],[background],[poster],[data]')) found.push(el.outerHTML.slice(0, 80));
for (const el of document.querySelectorAll('*'))
  for (const a of el.attributes) if (a.name.startsWith('on')) found.push(a.name);
for (const sheet of document.styleSheets) {
  if (sheet.href) found.push('sheet ' + sheet.href);
  for (const rule of sheet.cssRules)
    if (/url\\(|@import|@font-face/.test(rule.cssText)) found.push(rule.cssText.slice(0, 80));
}
for (const entry of performance.getEntriesByType('resource')) found.push('fetched ' + entry.name);
return found;
"""


@pytest.mark.parametrize("name", CHECKED_PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_loads_styled_self_contained_and_fits_a_phone(
    browser: Any, site: Path, screenshots: Path, name: str, scheme: str
) -> None:
    open_page(browser, site, name, scheme)
    assert browser.execute_script(SELF_CONTAINED) == []
    style = "return getComputedStyle(document.body).maxWidth"
    assert browser.execute_script(style) == "704px", "the inline stylesheet applied"
    background = "return getComputedStyle(document.documentElement).backgroundColor"
    expected = "rgb(22, 24, 26)" if scheme == "dark" else "rgb(253, 253, 251)"
    assert browser.execute_script(background) == expected
    shoot(browser, screenshots, f"{name.removesuffix('.html')}-{scheme}")
    if browser.execute_script("return !!document.getElementById('glossary')"):
        browser.execute_script("document.getElementById('glossary').scrollIntoView()")
        shoot(browser, screenshots, f"{name.removesuffix('.html')}-{scheme}-glossary")
    metrics = {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        browser.get((site / name).as_uri())
        overflow = "return document.documentElement.scrollWidth - window.innerWidth"
        assert browser.execute_script(overflow) <= 0, "no sideways scrolling on a phone"
        shoot(browser, screenshots, f"{name.removesuffix('.html')}-{scheme}-phone")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_sections_toggle(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(browser, site, BUNDLED_PAGE)
    details = browser.find_elements(By.CSS_SELECTOR, "main details")
    assert len(details) >= 3
    lede_count = 0
    for element in details:
        summary = element.find_element(By.TAG_NAME, "summary")
        body = element.find_element(By.CSS_SELECTOR, "summary ~ *")
        ledes = summary.find_elements(By.CLASS_NAME, "lede")
        was_open = element.get_attribute("open") is not None
        assert body.is_displayed() is was_open
        summary.click()
        assert (element.get_attribute("open") is not None) is not was_open
        assert body.is_displayed() is not was_open
        assert all(lede.is_displayed() for lede in ledes), "a section's summary shows folded"
        summary.click()
        assert body.is_displayed() is was_open
        summary.send_keys(Keys.ENTER)  # keyboard users fold sections too
        assert body.is_displayed() is not was_open
        summary.send_keys(Keys.SPACE)
        assert body.is_displayed() is was_open
        lede_count += len(ledes)
    assert lede_count >= 3


def target_in_view(browser: Any) -> tuple[str, bool]:
    """The :target element's id, and whether it is on screen."""
    element_id, visible = browser.execute_script(
        "const t = document.querySelector(':target'); if (!t) return ['', false];"
        "const r = t.getBoundingClientRect();"
        "return [t.id, r.top >= 0 && r.top < innerHeight && r.height > 0];"
    )
    return str(element_id), bool(visible)


def test_mention_links_land_on_their_entries(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, site, BUNDLED_PAGE)
    links = browser.find_elements(By.CSS_SELECTOR, "a.mention")
    assert len(links) > 50
    seen: set[str] = set()
    for link in links:
        href = link.get_attribute("href").rsplit("#", 1)[1]
        if href in seen:
            continue
        seen.add(href)
        link.click()
        assert browser.execute_script("return location.hash") == f"#{href}"
        assert target_in_view(browser) == (href, True)
        term = browser.find_element(By.ID, href)
        assert term.tag_name == "dt" and term.text
        browser.back()
    assert len(seen) >= 10


def test_entries_and_timeline_link_back(browser: Any, site: Path) -> None:
    """A card's back-link opens a folded section to show the mention; events lead to sections."""
    from selenium.webdriver.common.by import By

    open_page(browser, site, GOLDEN_PAGE)
    folded = browser.find_element(By.CSS_SELECTOR, "#s-two details")
    assert folded.get_attribute("open") is None
    inside = folded.find_elements(By.CSS_SELECTOR, "a.mention")
    assert inside
    anchor = inside[0].get_attribute("id")
    browser.find_element(By.CSS_SELECTOR, f'#glossary a[href="#{anchor}"]').click()
    assert folded.get_attribute("open") is not None, "the browser unfolded the section"
    assert target_in_view(browser) == (anchor, True)
    open_page(browser, site, BUNDLED_PAGE)
    events = browser.find_elements(By.CSS_SELECTOR, "#timeline a[href^='#s-']")
    assert events
    for event in events:
        href = event.get_attribute("href").rsplit("#", 1)[1]
        event.click()
        assert target_in_view(browser) == (href, True)


def test_the_hostile_page_shows_markup_as_text(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, site, "hostile.html")
    assert "<script>x</script>" in browser.find_element(By.ID, "source").text
    assert "<b>hi</b>" in browser.find_element(By.TAG_NAME, "header").text
    assert browser.title.startswith("[bold]Breaking[/bold]")
    assert browser.execute_script("return document.querySelectorAll('b, script').length") == 0


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(result => done(JSON.stringify(result.violations)))
  .catch(error => done(JSON.stringify([{id: 'axe-error', impact: 'critical',
                                        help: String(error), nodes: []}])));
"""


@pytest.mark.parametrize("name", CHECKED_PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation(
    browser: Any, site: Path, name: str, scheme: str
) -> None:
    need("axe-core", AXE.is_file(), INSTALL_TOOLS)
    open_page(browser, site, name, scheme)
    browser.execute_script("for (const d of document.querySelectorAll('details')) d.open = true")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    violations = json.loads(browser.execute_async_script(AXE_RUN))
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    report = [
        f"{v['impact']}: {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    ]
    assert not serious, "\n".join(report)
    assert browser.execute_script("return typeof axe.version") == "string"


def test_axe_catches_a_broken_page(browser: Any, tmp_path: Path) -> None:
    """The checker above is alive: a page without a language and an image without text fails."""
    need("axe-core", AXE.is_file(), INSTALL_TOOLS)
    broken = tmp_path / "broken.html"
    pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    broken.write_text(f"<!DOCTYPE html><title>x</title><img src='{pixel}'>", encoding="utf-8")
    browser.get(broken.as_uri())
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    violations = json.loads(browser.execute_async_script(AXE_RUN))
    found = {v["id"] for v in violations if v["impact"] in ("serious", "critical")}
    assert {"html-has-lang", "image-alt"} <= found
