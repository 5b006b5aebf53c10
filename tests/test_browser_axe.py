"""Real browser: axe-core audits every page at 1280×800 and 390×844, in Japanese and English, with sample data.

axe-core (the engine behind the browsers' own accessibility audits) comes bundled in the PyPI package
`axe-playwright-python`: nothing is downloaded at test time. One server; one browser session per size and
language, which loads the sample data once and moves between pages with the navigation bar, as a person would.
Any *serious* or *critical* violation fails the test, listed with the element and axe's own words.

Rule set: axe's rules tagged WCAG 2.0 and 2.1, levels A and AA (RULE_TAGS). Pages: PAGES (home, the five steps of
the path, your data, and the weekly check-in reached from home). Chart internals are left out (CHARTS): axe does not
look inside a chart's drawing, and the charts' colours, titles and descriptions are checked on their specs
(pages/_ui/charts.py's tests).

axe reads colours only where it can see the element: Streamlit scrolls inside its main area, so text below the
fold would come back "incomplete" instead of measured. The window is made as tall as the page for each audit
(the width, which decides the layout, stays), so every line on the page is measured.

Beside axe, on each page: one h1 and no heading level skipped, `<html lang>` the chosen language, and text axe
leaves out — disabled buttons and placeholders in empty fields — at 4.5:1 too (WCAG exempts disabled controls;
this app still wants them readable).

Run: `python -m pytest tests/test_browser_axe.py -q`. The server and Chromium set-up are tests/test_browser.py's.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from test_browser import (  # noqa: F401 (fixtures are used by name)
    PHONE,
    browser_context_args,
    browser_type_launch_args,
    main_heading,
    page,
    serve,
    settle,
    wait_for_charts,
)
from test_browser_nav import LAPTOP, tap

from kpi_core.contrast import TEXT_AA, contrast, mix
from kpi_core.messages import t

pytestmark = pytest.mark.browser

RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
PAGES = ("home", "define", "persona", "log", "dashboard", "review", "data", "checkin")
CHARTS = ".vega-embed"  # chart drawings: checked on their specs, not here
HEADINGS = """() => [...document.querySelectorAll('[data-testid=stMain] :is(h1, h2, h3, h4, h5, h6)')]
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""
# Text axe does not measure: [what, text colour, the colour behind it] for disabled buttons and placeholders.
UNMEASURED = """() => {
    const behind = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
        if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
    const out = [];
    for (const b of document.querySelectorAll('[data-testid=stMain] button:disabled')) {
        const text = b.querySelector('p') || b;
        if (b.getBoundingClientRect().width && text.textContent.trim())
            out.push(['disabled button ' + text.textContent.trim().slice(0, 40), getComputedStyle(text).color,
                      behind(b)]);
    }
    for (const f of document.querySelectorAll('[data-testid=stMain] :is(input, textarea)[placeholder]')) {
        if (f.placeholder && !f.value && f.getBoundingClientRect().width)
            out.push(['placeholder ' + f.placeholder.slice(0, 40), getComputedStyle(f, '::placeholder').color,
                      behind(f)]);
    }
    return out;
}"""


def solid(colour: str, background: str) -> str:
    """A computed CSS colour (`rgb(…)` / `rgba(…)`) as the #rrggbb it shows over `background` (#rrggbb)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    hexed = "#" + "".join(f"{round(n):02x}" for n in numbers[:3])
    return mix(hexed, background, numbers[3]) if len(numbers) == 4 else hexed


def audit(tab: Page, axe: Axe, where: str, lang: str) -> list[str]:
    """Everything wrong on the page now shown, as lines of a report."""
    problems = []
    width = tab.viewport_size["width"]
    height = tab.viewport_size["height"]
    page_height = tab.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    tab.set_viewport_size({"width": width, "height": max(height, page_height)})
    tab.wait_for_timeout(300)  # charts and the grid re-measure their width after a resize
    try:
        results = axe.run(tab, context={"exclude": [[CHARTS]]},
                          options={"runOnly": {"type": "tag", "values": RULE_TAGS}, "resultTypes": ["violations"]})
        for violation in results.response["violations"]:
            if violation["impact"] not in FAILING_IMPACTS:
                continue
            for node in violation["nodes"]:
                summary = " ".join(node.get("failureSummary", "").split())
                problems.append(f"{where}: {violation['impact']} {violation['id']} at {node['target']}: "
                                f"{node.get('html', '')[:120]} — {summary[:300]}")
        for what, colour, background in tab.evaluate(UNMEASURED):
            back = solid(background, "#ffffff")
            ratio = contrast(solid(colour, back), back)
            if ratio < TEXT_AA:
                problems.append(f"{where}: {what}: {colour} on {background} is {ratio:.2f}:1, under {TEXT_AA}:1")
    finally:
        tab.set_viewport_size({"width": width, "height": height})

    levels = tab.evaluate(HEADINGS)
    if [level for level, _ in levels].count(1) != 1:
        problems.append(f"{where}: {[level for level, _ in levels].count(1)} h1 headings, not one: {levels}")
    for (before, _), (level, text) in zip(levels, levels[1:], strict=False):
        if level > before + 1:
            problems.append(f"{where}: h{level} {text!r} follows an h{before}: a heading level is skipped")
    declared = tab.evaluate("() => document.documentElement.lang")
    if declared != lang:
        problems.append(f"{where}: <html lang={declared!r}>, the page is in {lang!r}")
    return problems


@pytest.fixture(scope="module")
def audited_app(tmp_path_factory):
    """One server for the four sessions (each loads its own sample data: a demo lives in its session)."""
    with serve(tmp_path_factory.mktemp("axe")) as url:
        yield url


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_no_serious_accessibility_violations_on_any_page(audited_app, page, viewport, lang):  # noqa: F811
    page.set_viewport_size(viewport)
    axe = Axe()
    page.goto(f"{audited_app}/data")
    expect(main_heading(page, t("data.title", "ja"))).to_be_visible()
    settle(page)
    page.get_by_role("button", name=t("data.demo.start", "ja")).click()
    settle(page)
    if lang == "en":  # the switch at the foot of every page
        page.get_by_test_id("stButtonGroup").last.get_by_text("English", exact=True).click()
        settle(page)
        expect(main_heading(page, t("data.title", "en"))).to_be_visible()

    problems = []
    for name in PAGES:
        if name == "checkin":  # not in the bar: home leads to it
            tap(page, "home", lang)
            page.get_by_test_id("stMain").get_by_role("link", name=t("home.checkin", lang)).click()
            expect(page).to_have_url(re.compile(r":\d+/checkin$"))
            expect(main_heading(page, t("checkin.title", lang))).to_be_visible()
            settle(page)
        else:
            tap(page, name, lang)
        if name == "dashboard":
            wait_for_charts(page, at_least=3)
        problems += audit(page, axe, f"{name} ({lang}, {viewport['width']} px)", lang)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert not page.page_errors, page.page_errors
