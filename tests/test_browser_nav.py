"""Real browser: the navigation bar on a phone (390×844) and a laptop (1280×800), in Japanese and English.

From a fresh server a deep link is opened first; then, with sample data loaded, every entry of the bar is tapped:
the page's main heading is in view and nothing covers it, the bar is there with the page's own entry marked, no
page scrolls sideways, and there is no sidebar to close. At 390 px the Japanese walk writes a screenshot of each
page (and of the weekly check-in, reached from home) to docs/screens/ (linked from the README), so they stay
current.

Run: `python -m pytest tests/test_browser_nav.py -q`. The server and Chromium set-up are tests/test_browser.py's.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_browser import (  # noqa: F401 (fixtures are used by name)
    PHONE,
    REPO,
    browser_context_args,
    browser_type_launch_args,
    fresh_app_url,
    full_page_screenshot,
    main_heading,
    nav_bar,
    page,
    settle,
    wait_for_charts,
)

from kpi_core.messages import t

pytestmark = pytest.mark.browser

SCREENS = REPO / "docs" / "screens"
LAPTOP = {"width": 1280, "height": 800}
# The bar's entries in order: (page, its path, its heading's key).
ENTRIES = (("home", "", "app.name"), ("define", "define", "define.title"), ("persona", "persona", "persona.title"),
           ("log", "log", "log.title"), ("dashboard", "dashboard", "dashboard.title"),
           ("review", "review", "review.title"), ("data", "data", "data.title"))

# The main heading: inside the window, and what a tap at its centre would hit (nothing drawn over it).
HEADING = """() => {
    const h = document.querySelector('[data-testid=stMain] h1');
    const r = h.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {top: r.top, bottom: r.bottom, height: innerHeight, covered: !(hit && (hit === h || h.contains(hit))),
            by: hit ? hit.outerHTML.slice(0, 120) : null};
}"""
# Each entry of the bar: where it is, whether its label shows whole, whether a tap at its centre reaches it.
BAR = """() => [...document.querySelectorAll('.st-key-topnav [data-testid=stPageLink-NavLink]')].map(a => {
    const r = a.getBoundingClientRect();
    const label = a.querySelector('[data-testid=stMarkdownContainer] p');
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {label: label.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            height: r.height, clipped: label.scrollWidth > label.clientWidth + 1, reached: !!hit && a.contains(hit),
            marked: getComputedStyle(a).boxShadow.includes('inset')};
})"""
# Page links anywhere in the main area whose label is cut off (an ellipsis instead of the words).
CUT_LINKS = """() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stPageLink-NavLink]')]
    .map(a => a.querySelector('[data-testid=stMarkdownContainer] p'))
    .filter(p => p && [p, p.parentElement].some(e => e.scrollWidth > e.clientWidth + 1))
    .map(p => p.textContent)"""
SIDEWAYS = """() => {
    const main = document.querySelector('[data-testid=stMain]');
    return {document: document.documentElement.scrollWidth, window: innerWidth, main: main.scrollWidth,
            mainClient: main.clientWidth};
}"""


def check_page(tab: Page, current: str, lang: str) -> list[str]:
    """Everything the bar promises on the page now shown, as a list of what is wrong."""
    where = f"{current} ({lang}, {tab.viewport_size['width']} px)"
    problems = []
    heading = tab.evaluate(HEADING)
    if heading["top"] < 0 or heading["bottom"] > heading["height"]:
        problems.append(f"{where}: the heading is not in view: {heading}")
    if heading["covered"]:
        problems.append(f"{where}: something covers the heading: {heading['by']}")
    width = tab.viewport_size["width"]
    bar = tab.evaluate(BAR)
    labels = [t(f"nav.bar.{name}", lang) for name, _, _ in ENTRIES]
    if [entry["label"] for entry in bar] != labels:
        problems.append(f"{where}: the bar shows {[e['label'] for e in bar]}, not {labels}")
    for entry in bar:
        if entry["left"] < 0 or entry["right"] > width or entry["top"] < 0 or not entry["reached"]:
            problems.append(f"{where}: the entry {entry['label']} cannot be tapped: {entry}")
        if entry["clipped"]:
            problems.append(f"{where}: the label {entry['label']} is cut off")
        if width <= PHONE["width"] and entry["height"] < 40:
            problems.append(f"{where}: the entry {entry['label']} is {entry['height']:.0f} px high, too small a target")
    marked = [entry["label"] for entry in bar if entry["marked"]]
    if marked != [t(f"nav.bar.{name}", lang) for name, _, _ in ENTRIES if name == current]:
        problems.append(f"{where}: the entries marked as the current page are {marked}")
    cut = tab.evaluate(CUT_LINKS)
    if cut:
        problems.append(f"{where}: links whose label is cut off: {cut}")
    sideways = tab.evaluate(SIDEWAYS)
    if sideways["document"] > sideways["window"] or sideways["main"] > sideways["mainClient"]:
        problems.append(f"{where}: the page scrolls sideways: {sideways}")
    if tab.get_by_test_id("stSidebar").count() or tab.get_by_test_id("stExpandSidebarButton").count():
        problems.append(f"{where}: there is a sidebar")
    return problems


def tap(tab: Page, name: str, lang: str) -> None:
    """Tap an entry of the bar; wait for its page to finish drawing."""
    link = nav_bar(tab).filter(has=tab.get_by_text(t(f"nav.bar.{name}", lang), exact=True))
    expect(link).to_have_count(1)
    link.click()
    path, title = next((path, title) for entry, path, title in ENTRIES if entry == name)
    try:
        expect(tab).to_have_url(re.compile(rf":\d+/{path}$"))
    except AssertionError:
        # Seen once in a CI run on two loaded cores (never alone): the tap landed while a rerun was being
        # replaced and the page stayed where it was. A person would tap again; so does the test, once.
        settle(tab)
        nav_bar(tab).filter(has=tab.get_by_text(t(f"nav.bar.{name}", lang), exact=True)).click()
        expect(tab).to_have_url(re.compile(rf":\d+/{path}$"))
    expect(main_heading(tab, t(title, lang))).to_be_visible()
    settle(tab)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_every_page_is_one_tap_from_every_other(fresh_app_url, page, viewport):  # noqa: F811 (fixtures)
    page.set_viewport_size(viewport)
    problems = []
    # A deep link first, on a server that has served nothing yet.
    page.goto(f"{fresh_app_url}/dashboard")
    expect(main_heading(page, t("dashboard.title", "ja"))).to_be_visible()
    settle(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    problems += check_page(page, "dashboard", "ja")

    # Sample data, so the pages are as long and as wide as they get.
    tap(page, "data", "ja")
    page.get_by_role("button", name=t("data.demo.start", "ja")).click()
    settle(page)

    for lang in ("ja", "en"):
        if lang == "en":  # the switch at the foot of every page
            page.get_by_test_id("stButtonGroup").last.get_by_text("English", exact=True).click()
            settle(page)
            expect(main_heading(page, t("checkin.title", "en"))).to_be_visible()  # where the Japanese walk ended
        for name, _, _ in ENTRIES:
            tap(page, name, lang)
            if name == "dashboard":
                wait_for_charts(page, at_least=3)
                page.wait_for_timeout(300)  # charts settle their width
            problems += check_page(page, name, lang)
            if name == "dashboard":
                # Scrolled to the foot of the longest page, the bar is still there to tap.
                page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]');"
                              " m.scrollTo(0, m.scrollHeight); }")
                page.wait_for_timeout(300)
                hidden = [e for e in page.evaluate(BAR) if not e["reached"] or e["top"] < 0]
                if hidden:
                    problems.append(f"dashboard ({lang}): scrolled down, the bar cannot be tapped: {hidden}")
            if viewport == PHONE and lang == "ja":
                SCREENS.mkdir(parents=True, exist_ok=True)
                full_page_screenshot(page, SCREENS / f"{name}.png", PHONE)
        # The weekly check-in is not in the bar: home leads to it, and the bar is there to leave it.
        tap(page, "home", lang)
        page.get_by_test_id("stMain").get_by_role("link", name=t("home.checkin", lang)).click()
        expect(page).to_have_url(re.compile(r":\d+/checkin$"))
        expect(main_heading(page, t("checkin.title", lang))).to_be_visible()
        settle(page)
        problems += check_page(page, "checkin", lang)
        if viewport == PHONE and lang == "ja":
            full_page_screenshot(page, SCREENS / "checkin.png", PHONE)
    assert not problems, "\n".join(problems)
    assert not page.page_errors, page.page_errors
