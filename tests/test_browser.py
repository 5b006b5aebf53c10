"""Real browser: Debian's Chromium walks the app the way a person in Japan would.

The app runs under `streamlit run` on a free port; pytest-playwright drives /usr/bin/chromium (never a
downloaded browser) with a Japanese locale. Navigation happens by tapping the bar at the top, text is typed
into the fields, the CSV goes through the real dropzone. Screenshots of the dashboard (desktop and phone)
land in `test-artifacts/` at the repository root.

Run: `python -m pytest tests/test_browser.py -q` (or `-m browser`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import http.server
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import xlsxwriter
from playwright.sync_api import Page, expect

from kpi_core.messages import t
from kpi_core.plan import short_name

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT = 30_000  # ms: generous for a rerun on a slow CI machine, far below the whole test's budget
RUN_DONE = "[data-testid=stApp][data-test-script-state=notRunning]"

PERSON = "育休から復帰したばかりの30代の営業職"
PROBLEM = "転職したいけれど、自分の強みが分からない"
REFLECTION = "体験談を入れた投稿に、相談が2件来た"
BAD_MINUTES = "わからない"
UPLOAD_NAME = "活動記録_2025.csv"


def ja(key: str, **params: object) -> str:
    return t(key, "ja", **params)


def activity_csv() -> tuple[bytes, int, int]:
    """Six weeks of a homemaker's log as Excel on Japanese Windows saves it (cp932, CRLF).

    It carries the homemaker template's columns, a フォロワー数 column (a vanity number the app refuses)
    and one row whose minutes cannot be read. Returns (bytes, spreadsheet row of the bad row, good rows).
    """
    header = ("日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,会話発生数,実践報告数,"
              "感謝メッセージ数,フォロワー数,メモ")
    rows = [header]
    start = dt.date(2025, 1, 6)
    for week in range(6):
        for number, (day, action) in enumerate(((0, "投稿"), (2, "返信"), (4, "投稿"))):
            date = start + dt.timedelta(days=7 * week + day)
            memo = "①時短レシピで悩みが解決したと髙橋さんから～" if number == 0 else ""
            rows.append(f"{date.year}/{date.month}/{date.day},{action},{25 + 5 * week},{3 + week},"
                        f"{3 + number % 2},{1 if number == 0 else 0},{number},{week % 2},{number % 2},"
                        f"{1200 + 40 * week},{memo}")
    good = len(rows) - 1
    rows.insert(5, f"2025/1/10,投稿,{BAD_MINUTES},4,4,0,1,0,0,1230,")
    # Spreadsheet row numbers: the header is row 1, so list index i is row i + 1.
    return ("\r\n".join(rows) + "\r\n").encode("cp932"), 5 + 1, good


# --- the app server and the browser ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(folder: Path, port: int | None = None, environ: dict[str, str] | None = None):
    """`streamlit run app.py` on a free port (or `port`) with its workspace in `folder` and `environ` added to the
    environment, up until /_stcore/health answers ok; stopped afterwards."""
    port = port or _free_port()
    server_log = folder / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    with server_log.open("ab") as out:  # a restarted server adds to the same log
        server = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                  env={**os.environ, "PYTHONUNBUFFERED": "1",
                                       # a fresh workspace: the walk starts empty on every run
                                       "KPI_COACH_WORKSPACE": str(server_log.parent / "workspace.sqlite3"),
                                       **(environ or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with {server.returncode}:\n{server_log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer ok within 60 s:\n{server_log.read_text(errors='replace')}")
            time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app for this module's walk: one server, one workspace, shared by the tests that use it."""
    with serve(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path):
    """The app on its own server with an empty workspace: what a test sees does not depend on the others."""
    with serve(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium (tests/run.sh does)"
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser set to Japanese, in Japan, as most users have it (the app starts in Japanese either way).
    return {**browser_context_args, "locale": "ja-JP", "timezone_id": "Asia/Tokyo", "viewport": DESKTOP}


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(TIMEOUT)
    page.page_errors = []  # uncaught JavaScript errors, checked at the end of each test
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    return page


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- what a person does -------------------------------------------------------------------------------


def settle(page: Page) -> None:
    """Wait until the script run that the last action started has finished and nothing is left stale."""
    page.wait_for_selector(RUN_DONE, timeout=TIMEOUT)
    page.wait_for_function("() => !document.querySelector('[data-stale=true]')", timeout=TIMEOUT)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def main_heading(page: Page, text: str):
    return page.get_by_test_id("stMain").get_by_role("heading", level=1, name=text)


def nav_bar(page: Page):
    """The app's own navigation bar at the top of the main area (pages/_ui/layout.py)."""
    return page.locator(".st-key-topnav").get_by_test_id("stPageLink-NavLink")


def open_from_nav(page: Page, nav_key: str, title_key: str, path: str) -> None:
    """Tap the page's entry in the navigation bar (`nav.define` → the bar's label `nav.bar.define`)."""
    link = nav_bar(page).filter(has=page.get_by_text(ja(nav_key.replace("nav.", "nav.bar.")), exact=True))
    expect(link).to_have_count(1)
    link.click()
    expect(page).to_have_url(re.compile(rf"/{path}$"))
    expect(main_heading(page, ja(title_key))).to_be_visible()
    settle(page)


def type_into(page: Page, label: str, text: str) -> None:
    """Type into a text field and leave it (Streamlit sends a field's value when it loses focus)."""
    field = page.get_by_label(label, exact=True)
    field.click()
    field.fill(text)
    field.press("Tab")
    settle(page)
    expect(field).to_have_value(text)


def main_height(page: Page) -> int:
    # Streamlit scrolls inside stMain, not the document: Playwright's full_page alone shows one screen.
    return page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")


def full_page_screenshot(page: Page, path: Path, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.wait_for_timeout(500)  # charts re-measure their container after a resize
    settle(page)
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], main_height(page))})
    page.wait_for_timeout(700)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    page.wait_for_timeout(300)


def wait_for_charts(page: Page, at_least: int) -> None:
    """Vega-Lite draws into `.vega-embed` as an svg (Streamlit 1.67) or a canvas."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('.vega-embed')].filter(e => e.querySelector('svg, canvas')"
        " && e.getBoundingClientRect().width > 0).length >= n", arg=at_least, timeout=TIMEOUT)


# --- the tests ----------------------------------------------------------------------------------------


def test_every_page_opens_from_its_url_on_a_fresh_server(app_url, page):
    """Deep links work on the first visit after the server starts; each page sets up its own state."""
    for path, title_key, empty_key in (
        ("dashboard", "dashboard.title", "dashboard.empty"),
        ("review", "review.title", "review.empty"),
        ("log", "log.title", "log.empty"),
        ("define", "define.title", None),
        ("persona", "persona.title", None),
        ("data", "data.title", None),
        ("", "app.name", None),
    ):
        page.goto(f"{app_url}/{path}")
        expect(main_heading(page, ja(title_key))).to_be_visible()
        settle(page)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        if empty_key:
            expect(page.get_by_text(ja(empty_key))).to_be_visible()
        # The translated navigation bar is there on every page: home, the five steps, your data.
        expect(nav_bar(page)).to_have_count(7)
    assert not page.page_errors, page.page_errors


def test_main_path_in_japanese(app_url, page, tmp_path, artifacts):
    # Home.
    page.goto(app_url)
    expect(main_heading(page, "価値づくりセルフコーチ")).to_be_visible()
    settle(page)
    expect(page.get_by_text(ja("home.path"))).to_be_visible()

    # Define: the one person, next, the problem, back: both answers are kept.
    open_from_nav(page, "nav.define", "define.title", "define")
    expect(page.get_by_text(ja("define.step.person"))).to_be_visible()
    type_into(page, ja("define.field.person"), PERSON)
    page.get_by_role("button", name=ja("define.next")).click()
    expect(page.get_by_text(ja("define.step.problem"))).to_be_visible()
    settle(page)
    type_into(page, ja("define.field.problem"), PROBLEM)
    page.get_by_role("button", name=ja("define.back")).click()
    expect(page.get_by_text(ja("define.step.person"))).to_be_visible()
    settle(page)
    expect(page.get_by_label(ja("define.field.person"), exact=True)).to_have_value(PERSON)
    page.get_by_role("button", name=ja("define.next")).click()
    expect(page.get_by_text(ja("define.step.problem"))).to_be_visible()
    settle(page)
    expect(page.get_by_label(ja("define.field.problem"), exact=True)).to_have_value(PROBLEM)

    # Persona: the homemaker card.
    open_from_nav(page, "nav.persona", "persona.title", "persona")
    homemaker = "主婦"
    card = (page.get_by_test_id("stVerticalBlock")
            .filter(has=page.get_by_role("heading", name=homemaker, exact=True))
            .filter(has=page.get_by_role("button", name=ja("persona.choose"))).last)
    card.get_by_role("button", name=ja("persona.choose")).click()
    expect(page.get_by_role("heading", name=f"✅ {homemaker}", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=ja("persona.your_kpis", persona=homemaker))).to_be_visible()
    settle(page)
    # The answers from the define page reached this page: the person's own KPI can be added.
    expect(page.get_by_text(ja("persona.custom.missing"))).to_have_count(0)

    # Log: a cp932 CSV through the dropzone, with a bad row and a vanity column.
    open_from_nav(page, "nav.log", "log.title", "log")
    data, bad_row, good_rows = activity_csv()
    csv_path = tmp_path / UPLOAD_NAME
    csv_path.write_bytes(data)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(csv_path)
    expect(page.get_by_text(f"⚠️ {UPLOAD_NAME}")).to_be_visible()
    settle(page)
    detected = ja("log.detected", encoding="Shift_JIS (cp932)", separator=ja("log.separator.comma"))
    expect(page.get_by_text(detected)).to_be_visible()
    rejected = page.get_by_test_id("stMetric").filter(has_text=ja("log.rejected"))
    expect(rejected.get_by_test_id("stMetricValue")).to_have_text("1")
    accepted = page.get_by_test_id("stMetric").filter(has_text=ja("log.accepted"))
    expect(accepted.get_by_test_id("stMetricValue")).to_have_text(str(good_rows))
    expect(page.get_by_text(ja("reader.ignored.vanity", column="フォロワー数"))).to_be_visible()
    expect(page.get_by_role("button", name=ja("log.download_rejected"))).to_be_visible()
    # The problems table is a canvas grid; its accessible table carries the cells.
    problems = page.get_by_test_id("stDataFrame").first
    expect(problems.locator("th").first).to_have_text(ja("log.col.row"))
    first_row = problems.locator("tbody tr").first.locator("td")
    expect(first_row.nth(0)).to_have_text(str(bad_row))  # the row number a spreadsheet shows
    expect(first_row.nth(1)).to_have_text(ja("column.minutes"))
    expect(first_row.nth(2)).to_have_text(BAD_MINUTES)
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("heading", name=ja("log.current", rows=good_rows))).to_be_visible()

    # Dashboard: charts drawn, titles in Japanese.
    open_from_nav(page, "nav.dashboard", "dashboard.title", "dashboard")
    wait_for_charts(page, at_least=4)
    charts = page.locator(".vega-embed")
    assert charts.count() >= 4, f"expected at least 4 charts, found {charts.count()}"
    for key in ("chart.sustainability", "chart.minutes_per_result", "chart.action_mix"):
        # The svg renderer writes titles as <text>; a canvas would not, and this would say so.
        expect(charts.locator("svg text").filter(has_text=ja(key)).first).to_be_visible()
    # The headline figure (a metric), not the chart of the same name below it.
    expect(page.get_by_test_id("stMetric").filter(has_text=ja("dashboard.mpr", result=ja("column.inquiries")))
           .first).to_be_visible()
    expect(page.get_by_role("heading", name=ja("dashboard.kpis"))).to_be_visible()

    full_page_screenshot(page, artifacts / "dashboard-desktop.png", DESKTOP)

    # Phone width: nothing sticks out sideways, then the phone screenshot.
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(500)
    settle(page)
    wait_for_charts(page, at_least=4)
    widths = page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        return {document: document.documentElement.scrollWidth, main: main.scrollWidth,
                mainClient: main.clientWidth};
    }""")
    assert widths["document"] <= PHONE["width"] + 2, f"the page scrolls sideways at 390 px: {widths}"
    assert widths["main"] <= widths["mainClient"] + 2, f"the main column scrolls sideways at 390 px: {widths}"
    full_page_screenshot(page, artifacts / "dashboard-phone.png", PHONE)

    # On a phone the bar stays at the top of the screen, however far down the page is scrolled: one tap on.
    expect(nav_bar(page).first).to_be_in_viewport()
    open_from_nav(page, "nav.review", "review.title", "review")
    page.set_viewport_size(DESKTOP)
    settle(page)

    # Review: a reflection for the latest week, kept when coming back to the page.
    latest_week = "2025-02-10"
    expect(page.get_by_role("combobox", name=ja("review.week"))).to_have_value(latest_week)
    type_into(page, ja("review.field.worked"), REFLECTION)
    expect(page.get_by_text(ja("review.kept"))).to_be_visible()
    open_from_nav(page, "nav.dashboard", "dashboard.title", "dashboard")
    open_from_nav(page, "nav.review", "review.title", "review")
    expect(page.get_by_label(ja("review.field.worked"), exact=True)).to_have_value(REFLECTION)

    # English is one click away, and switches everything: the title, the navigation, the fields.
    page.set_viewport_size(DESKTOP)  # back on a laptop
    settle(page)
    page.get_by_test_id("stMain").get_by_text("English", exact=True).click()  # the switch at the page's foot
    settle(page)
    expect(main_heading(page, t("review.title", "en"))).to_be_visible()
    expect(nav_bar(page).filter(has_text=t("nav.bar.dashboard", "en"))).to_have_count(1)
    expect(nav_bar(page).filter(has_text=ja("nav.bar.dashboard"))).to_have_count(0)
    expect(page.get_by_label(t("review.field.worked", "en"), exact=True)).to_have_value(REFLECTION)
    # The choice is remembered with the plan; switch back so the next visit starts in Japanese again.
    page.get_by_test_id("stMain").get_by_text("日本語", exact=True).click()
    settle(page)
    expect(main_heading(page, ja("review.title"))).to_be_visible()

    assert not page.page_errors, page.page_errors


CHART_GEOMETRY = """() => [...document.querySelectorAll('.vega-embed')].map(embed => {
    const svg = embed.querySelector('svg');
    if (!svg) return null;
    const box = svg.getBoundingClientRect();
    const plot = svg.querySelector('g.role-frame.root path.background');
    const title = svg.querySelector('g.role-title text');
    return {title: title ? title.textContent : '', svgTop: Math.round(box.top),
            titleTop: title ? Math.round(title.getBoundingClientRect().top) : null,
            plotHeight: plot ? Math.round(plot.getBoundingClientRect().height) : 0};
}).filter(Boolean)"""


def test_dashboard_charts_have_room_and_figures_read_well(app_url, page, tmp_path):
    """Every chart keeps a plot area you can read and its whole title; no figure shows as 'nan'.

    Straight to the log with the default persona (office worker), whose KPIs need columns this CSV lacks.
    """
    page.goto(f"{app_url}/log")
    expect(main_heading(page, ja("log.title"))).to_be_visible()
    settle(page)
    csv_path = tmp_path / UPLOAD_NAME
    csv_path.write_bytes(activity_csv()[0])
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(csv_path)
    expect(page.get_by_text(f"⚠️ {UPLOAD_NAME}")).to_be_visible()
    settle(page)
    open_from_nav(page, "nav.dashboard", "dashboard.title", "dashboard")
    wait_for_charts(page, at_least=4)
    page.wait_for_timeout(500)

    # Each check adds what it found, so one run names every problem.
    problems = []
    geometry = page.evaluate(CHART_GEOMETRY)
    assert len(geometry) >= 4, geometry
    cramped = [g for g in geometry if g["plotHeight"] < 60]
    if cramped:
        problems.append(
            "charts whose plot area is squeezed to a few pixels (marks and y axis unreadable); every chart with "
            "a colour legend is hit: the bottom legend (pages/_ui/charts.py CONFIG: legend orient 'bottom') "
            "eats the 220 px height unless the spec's autosize is 'fit-x' with padding (_chart): "
            f"{cramped}")
    # A title's text box pokes ~6 px above the svg with Noto Sans CJK's tall ascent and still shows in full.
    clipped = [g for g in geometry if g["titleTop"] is not None and g["titleTop"] < g["svgTop"] - 12]
    if clipped:
        problems.append(f"chart titles cut off above the chart's top edge: {clipped}")
    # Each chart's spec description is its accessible name: Vega puts it on the chart's container as aria-label.
    labels = page.evaluate("() => [...document.querySelectorAll('.vega-embed')].map(e => e.getAttribute('aria-label'))")
    if not all(label and "2025年2月10日" in label for label in labels):  # the sixth and last week of the CSV
        problems.append(f"charts without a description naming the shown week as their aria-label: {labels}")
    text = page.get_by_test_id("stMain").inner_text()
    nan_lines = [line for line in text.splitlines() if re.search(r"(?<![A-Za-z])nan(?![A-Za-z])", line, re.I)]
    if nan_lines:
        problems.append("figures printed as 'nan' instead of '—' (pages/4_dashboard.py figure() only treats "
                        f"None as missing, not NaN): {nan_lines}")
    problems.extend(f"JavaScript error: {error}" for error in page.page_errors)
    assert not problems, "\n".join(problems)


def choose_option(page: Page, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label` (a Streamlit selectbox opens a list of options).

    Scrolled into view first: the list closes again when the page scrolls under it.
    """
    box = page.get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)
    expect(box).to_have_value(option)


def test_the_twelfth_week_of_a_sample_asks_what_comes_next(app_url, page):
    """A persona's sample, its twelfth week in the review: the cycle's story, a decision saved and kept."""
    page.goto(f"{app_url}/data")
    expect(main_heading(page, ja("data.title"))).to_be_visible()
    settle(page)
    homemaker = "主婦"
    choose_option(page, ja("data.demo.persona"), homemaker)
    page.get_by_role("button", name=ja("data.demo.start")).click()
    settle(page)
    expect(page.get_by_text(ja("demo.banner", persona=homemaker))).to_be_visible()

    open_from_nav(page, "nav.review", "review.title", "review")
    # The twelfth week by what the page calls it (the sample may end this week or the last finished one).
    twelfth = ja("cycle.position", cycle=1, week=12, weeks=12)
    week_box = page.get_by_role("combobox", name=ja("review.week"))
    if page.get_by_text(twelfth, exact=True).count() == 0:
        week_box.scroll_into_view_if_needed()
        week_box.click()
        expect(page.get_by_role("option").first).to_be_visible()
        weeks = page.get_by_role("option").all_inner_texts()
        page.keyboard.press("Escape")
        settle(page)
        for week in weeks:
            choose_option(page, ja("review.week"), week)
            if page.get_by_text(twelfth, exact=True).count():
                break
    expect(page.get_by_text(twelfth, exact=True)).to_be_visible()
    twelfth_week = week_box.input_value()

    # The story: first four weeks against the last four, then the question.
    expect(page.get_by_text(ja("story.title.end", cycle=1, weeks=12), exact=True)).to_be_visible()
    expect(page.get_by_text(ja("cycle.checkpoint.final"))).to_be_visible()
    story = page.get_by_test_id("stDataFrame").filter(has_text=ja("story.col.first", n=4))
    expect(story.locator("th").filter(has_text=ja("story.col.last", n=4))).to_have_count(1)
    expect(page.get_by_text(ja("review.story.ask"))).to_be_visible()
    page.get_by_test_id("stRadio").get_by_text(ja("story.decision.rewrite"), exact=True).click()
    settle(page)
    page.get_by_role("button", name=ja("review.story.save")).click()
    settle(page)
    decided = page.get_by_test_id("stAlert").filter(has_text=ja("story.decision.rewrite"))
    expect(decided).to_be_visible()

    # Kept: away and back, the same week shows the decision it was given.
    open_from_nav(page, "nav.dashboard", "dashboard.title", "dashboard")
    open_from_nav(page, "nav.review", "review.title", "review")
    if week_box.input_value() != twelfth_week:
        choose_option(page, ja("review.week"), twelfth_week)
    expect(page.get_by_role("radio", name=ja("story.decision.rewrite"))).to_be_checked()
    expect(decided).to_be_visible()

    # Straight on to rewriting, with the old sentence there to compare.
    page.get_by_test_id("stMain").get_by_text(ja("review.story.next.rewrite")).click()
    expect(page).to_have_url(re.compile(r"/define$"))
    settle(page)
    expect(page.get_by_test_id("stAlert").filter(has_text=ja("define.previous", sentence=""))).to_be_visible()
    assert not page.page_errors, page.page_errors


XLSX_NAME = "活動記録_2025.xlsx"


def activity_xlsx() -> bytes:
    """The worked example as a person keeps it in Excel: dates as date cells, numbers as numbers, a memo.

    Week of 2025-01-06: three posts, 30 minutes each, 2 inquiries; week of 2025-01-13: two posts, 20 minutes
    each, 2 inquiries → 20 minutes per inquiry in the latest week.
    """
    rows = [(dt.datetime(2025, 1, 6), "投稿", 30, 5, 4, 1, "悩みが解決したとDM"),
            (dt.datetime(2025, 1, 8), "投稿", 30, 3, 3, 0, None),
            (dt.datetime(2025, 1, 10), "投稿", 30, 8, 5, 1, None),
            (dt.datetime(2025, 1, 13), "投稿", 20, 2, 4, 1, None),
            (dt.datetime(2025, 1, 15), "投稿", 20, 6, 5, 1, "①髙橋さんから～相談")]
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet("記録")
        date = book.add_format({"num_format": "yyyy/m/d"})
        header = ["日付", "アクション内容", "投入時間(分)", "直接反応数", "質的評価", "問い合わせ数", "メモ"]
        sheet.write_row(0, 0, header)
        for number, (day, action, minutes, reactions, quality, inquiries, memo) in enumerate(rows, start=1):
            sheet.write_datetime(number, 0, day, date)
            sheet.write_string(number, 1, action)
            sheet.write_row(number, 2, [minutes, reactions, quality, inquiries])
            if memo:
                sheet.write_string(number, 6, memo)
    return buffer.getvalue()


def test_an_excel_workbook_dropped_on_the_log_reaches_the_dashboard(fresh_app_url, page, tmp_path):
    """The .xlsx itself, not a CSV saved from it: through the real dropzone, its rows counted on the dashboard."""
    page.goto(f"{fresh_app_url}/log")
    expect(main_heading(page, ja("log.title"))).to_be_visible()
    settle(page)
    book = tmp_path / XLSX_NAME
    book.write_bytes(activity_xlsx())
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(book)
    expect(page.get_by_text(f"✅ {XLSX_NAME}")).to_be_visible()  # read, nothing refused
    settle(page)
    accepted = page.get_by_test_id("stMetric").filter(has_text=ja("log.accepted"))
    expect(accepted.get_by_test_id("stMetricValue")).to_have_text("5")
    expect(page.get_by_role("heading", name=ja("log.current", rows=5))).to_be_visible()

    open_from_nav(page, "nav.dashboard", "dashboard.title", "dashboard")
    # The date cells became the right weeks, the numbers the right minutes and inquiries.
    expect(page.get_by_role("heading", name=ja("dashboard.latest", week="2025-01-13"))).to_be_visible()
    per_result = page.get_by_test_id("stMetric").filter(has_text=ja("dashboard.mpr"))
    expect(per_result.get_by_test_id("stMetricValue")).to_have_text("20.0")  # 40 minutes / 2 inquiries
    assert not page.page_errors, page.page_errors


# --- nothing a person types or a file carries loads anything -----------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers anything with an empty 204 and writes the path down (nothing may ever arrive)."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.paths.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_HEAD = do_GET

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def listener():
    """A tiny HTTP server on a free port in a thread: the payloads point at it; `.paths` is what it received."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def injected(port: int) -> tuple[str, ...]:
    return (f"![x](http://127.0.0.1:{port}/image)", f'<img src="http://127.0.0.1:{port}/html">',
            "[link](javascript:alert(1))", "**bold**")


LOG_HEADER = ("日付", "アクション内容", "投入時間(分)", "直接反応数", "質的評価", "問い合わせ数", "メモ")


def injection_csv(payloads: tuple[str, ...]) -> bytes:
    """Two weeks of log whose extra header names are the payloads and whose action and memo cells carry them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*LOG_HEADER, *payloads])
    everything = " ".join(payloads)
    writer.writerow(["2025/1/6", everything, "30", "5", "4", "1", everything, *payloads])
    writer.writerow(["2025/1/8", "投稿", "30", "3", "3", "0", payloads[0], *payloads])
    writer.writerow(["2025/1/13", "投稿", "20", "2", "4", "1", payloads[1], *payloads])
    writer.writerow(["2025/1/15", "投稿", payloads[3], "2", "4", "1", payloads[2], *payloads])  # refused: minutes
    return out.getvalue().encode("utf-8")


def as_shown(text: str) -> re.Pattern:
    """The text as the page shows it: every character as typed (an invisible word joiner may sit between two)."""
    return re.compile("\u2060?".join(re.escape(c) for c in text))


def nothing_rendered(page: Page, port: int) -> list[str]:
    """What the page drew from the payloads: images or links to the listener, javascript: links, bold."""
    return page.evaluate("""port => [
        ...[...document.querySelectorAll('img, source, video, audio, iframe, object, embed, link')]
            .filter(e => ['src', 'srcset', 'href', 'data'].some(a => (e.getAttribute(a) || '').includes(':' + port)))
            .map(e => e.outerHTML),
        ...[...document.querySelectorAll('a')].map(a => a.getAttribute('href') || '')
            .filter(href => href.startsWith('javascript:') || href.includes(':' + port)).map(href => `<a ${href}>`),
        ...[...document.querySelectorAll('strong, b')].filter(e => e.textContent === 'bold').map(e => e.outerHTML),
    ]""", port)


def test_typed_and_uploaded_markdown_loads_nothing(fresh_app_url, page, tmp_path, listener):
    """The payloads go in through the define page, the review and an uploaded CSV; every page is visited; the
    server they point at receives nothing, and each shows as the characters typed."""
    port = listener.server_address[1]
    payloads = injected(port)
    everything = " ".join(payloads)
    # The listener is reachable from the browser: an image pointed at it does arrive (then the list starts empty).
    page.goto(fresh_app_url)
    settle(page)
    page.evaluate("port => { new Image().src = `http://127.0.0.1:${port}/control`; }", port)
    deadline = time.monotonic() + 10
    while "/control" not in listener.paths and time.monotonic() < deadline:
        time.sleep(0.1)
    assert listener.paths == ["/control"]
    listener.paths.clear()

    # Define: every field of every step, then the sentence and the custom KPI's name.
    open_from_nav(page, "nav.define", "define.title", "define")
    steps = [("person", ("person", "situation", "worries", "words", "future")), ("problem", ("problem",)),
             ("solution", ("solution", "offer")), ("why", ("why_me",)), ("change", ("change",))]
    for _, fields in steps:
        for field in fields:
            type_into(page, ja(f"define.field.{field}"), everything)
        page.get_by_role("button", name=ja("define.next")).click()
        settle(page)
    type_into(page, ja("define.result.sentence_edit"), everything)
    type_into(page, ja("define.result.custom_kpi"), everything)

    # Persona: the custom KPI, named as typed, ticked so the dashboard and the report show it.
    open_from_nav(page, "nav.persona", "persona.title", "persona")
    custom = page.get_by_test_id("stCheckbox").filter(has_text=as_shown(short_name(everything)))  # cut to 24
    expect(custom).to_have_count(1)
    custom.locator("label").click()
    settle(page)

    # Log: the CSV through the dropzone; its headers are named in the page's words, exactly as written.
    open_from_nav(page, "nav.log", "log.title", "log")
    csv_path = tmp_path / "**bold**.csv"
    csv_path.write_bytes(injection_csv(payloads))
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(csv_path)
    expect(page.get_by_text("⚠️ **bold**.csv", exact=True)).to_be_visible()
    settle(page)
    for header in payloads:
        expect(page.get_by_text(as_shown(ja("reader.ignored.unknown", column=header)))).to_be_visible()

    # Review: the reflections and the followers figure; the report's preview opened.
    open_from_nav(page, "nav.review", "review.title", "review")
    for field in ("worked", "change", "thanks", "experiment"):
        type_into(page, ja(f"review.field.{field}"), everything)
    type_into(page, ja("review.share.conventional"), f"1,234 {payloads[0]}")
    page.get_by_test_id("stExpander").filter(has_text=ja("review.share.preview")).locator("summary").click()
    expect(page.get_by_test_id("stCode").filter(has_text="1,234")).to_be_visible()

    # Every page, from the navigation bar and from its address (a fresh session reading the stored workspace).
    shown = []
    for nav, title, path in (("nav.home", "app.name", ""), ("nav.define", "define.title", "define"),
                             ("nav.persona", "persona.title", "persona"), ("nav.log", "log.title", "log"),
                             ("nav.dashboard", "dashboard.title", "dashboard"),
                             ("nav.review", "review.title", "review"), ("nav.data", "data.title", "data")):
        open_from_nav(page, nav, title, path)
        page.wait_for_timeout(300)
        shown += nothing_rendered(page, port)
        page.goto(f"{fresh_app_url}/{path}")
        expect(main_heading(page, ja(title))).to_be_visible()
        settle(page)
        page.wait_for_timeout(300)
        shown += nothing_rendered(page, port)
        if path == "dashboard" and not page.get_by_test_id("stMarkdown").filter(
                has_text=as_shown(short_name(everything))).count():
            shown.append("the dashboard does not show the custom KPI's name as typed")
        # The define page reopens at the step reached: the last, where the typed sentence is.
        if path == "define" and page.get_by_label(ja("define.result.sentence_edit"), exact=True).input_value() \
                != everything:
            shown.append("the define page does not show the stored answer as typed")
    time.sleep(1)  # anything the last page started loading has arrived by now
    assert listener.paths == []
    assert shown == []
    assert not page.page_errors, page.page_errors
