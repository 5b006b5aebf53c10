"""Real browser: the weekly path by keyboard alone, `<html lang>` following the language, and the theme of a copy
started as an installed package would be (`kpi-coach app`, no .streamlit/ beside it, from another directory).

The keyboard walk uses Tab, Shift+Tab, Enter, Space, typed text and, inside the group of tiredness pills (one stop in
the tab order, like any ARIA radio group), the arrow keys — and nothing else, except the file itself: the dropzone's
button is reached and focused by keyboard, then the file goes in with Playwright's `set_input_files`, because the
operating system's file dialog that Enter opens is outside the page and cannot be driven from a test.

Run: `python -m pytest tests/test_browser_a11y.py -q`. The server and Chromium set-up are tests/test_browser.py's.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from test_browser import (  # noqa: F401 (fixtures are used by name)
    REPO,
    RUN_DONE,
    UPLOAD_NAME,
    activity_csv,
    browser_context_args,
    browser_type_launch_args,
    fresh_app_url,
    ja,
    main_heading,
    nav_bar,
    page,
    settle,
)

from kpi_core.contrast import mix
from kpi_core.messages import t
from pages._ui.theme import MUTED_SHARE

pytestmark = pytest.mark.browser

REFLECTION = "体験談を入れた投稿に、相談が2件来た"
THANKS = "「読んで気が楽になった」とDMが来た"
FOCUSED = "(e) => e === document.activeElement || e.contains(document.activeElement)"
WHERE = "() => document.activeElement.tagName + ' ' + (document.activeElement.textContent || '').slice(0, 20)"
# What the focused element shows: its outline (the app's focus ring) and box shadow (Streamlit's own).
FOCUS_LOOK = """() => { const s = getComputedStyle(document.activeElement);
    return {tag: document.activeElement.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
            colour: s.outlineColor}; }"""


def tab_to(tab: Page, target: Locator, backwards: bool = False, limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until `target` has the keyboard focus."""
    expect(target).to_have_count(1)
    trail = []
    for _ in range(limit):
        tab.keyboard.press("Shift+Tab" if backwards else "Tab")
        if target.evaluate(FOCUSED):
            return
        trail.append(tab.evaluate(WHERE))
    pytest.fail(f"{limit} presses of {'Shift+Tab' if backwards else 'Tab'} never reached {target}; "
                f"the focus went through {trail[:40]}")


def assert_focus_visible(tab: Page) -> None:
    """The focused link or button draws a ring a person can see (2 px, not the background's colour)."""
    look = tab.evaluate(FOCUS_LOOK)
    assert look["outline"] not in ("none", "hidden") and look["width"] >= 2, f"no visible focus: {look}"
    assert look["colour"] not in ("rgb(251, 250, 247)", "rgba(0, 0, 0, 0)"), f"focus ring not seen: {look}"


def press_on(tab: Page, target: Locator, key: str = "Enter", backwards: bool = False) -> None:
    """Reach `target` by keyboard, check its focus shows, press `key`, wait for the rerun to finish."""
    tab_to(tab, target, backwards)
    assert_focus_visible(tab)
    tab.keyboard.press(key)
    settle(tab)


def bar_link(tab: Page, name: str):
    return nav_bar(tab).filter(has=tab.get_by_text(ja(f"nav.bar.{name}"), exact=True))


def type_and_leave(tab: Page, field: Locator, text: str) -> None:
    """Tab into a text area, type, Tab out (Streamlit sends a field's value when it loses focus)."""
    tab_to(tab, field)
    tab.keyboard.type(text)
    tab.keyboard.press("Tab")
    settle(tab)


def test_the_weekly_path_by_keyboard_alone(fresh_app_url, page, tmp_path):  # noqa: F811 (fixtures)
    page.goto(fresh_app_url)
    expect(main_heading(page, ja("app.name"))).to_be_visible()
    settle(page)

    # Navigation: the bar's entries are links in the tab order, with a visible ring.
    press_on(page, bar_link(page, "log"))
    expect(page).to_have_url(re.compile(r"/log$"))
    expect(main_heading(page, ja("log.title"))).to_be_visible()

    # Upload: the dropzone's button takes the focus (Enter would open the system's file dialog: see the docstring).
    browse = page.get_by_test_id("stFileUploaderDropzone").locator("button")
    tab_to(page, browse)
    assert_focus_visible(page)
    data, _, good_rows = activity_csv()
    csv_path = tmp_path / UPLOAD_NAME
    csv_path.write_bytes(data)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(csv_path)
    expect(page.get_by_text(f"⚠️ {UPLOAD_NAME}")).to_be_visible()  # read (with a warning): the rerun has begun
    settle(page)
    accepted = page.get_by_test_id("stMetric").filter(has_text=ja("log.accepted"))
    expect(accepted.get_by_test_id("stMetricValue")).to_have_text(str(good_rows))

    # Home, then the check-in it offers once a week of the log has ended.
    press_on(page, bar_link(page, "home"), backwards=True)
    expect(main_heading(page, ja("app.name"))).to_be_visible()
    press_on(page, page.get_by_test_id("stMain").get_by_role("link", name=ja("home.checkin")))
    expect(main_heading(page, ja("checkin.title"))).to_be_visible()

    # The check-in: an answer typed, the tiredness pill chosen with Space, saved with Enter.
    type_and_leave(page, page.get_by_label(ja("review.field.worked"), exact=True), REFLECTION)
    # The pills are one stop in the tab order (Tab reaches the first); the arrow keys move inside the group, as in
    # any ARIA radio group or toolbar.
    pills = page.get_by_test_id("stButtonGroup").filter(has_text=ja("review.fatigue.1")).locator("button")
    tab_to(page, pills.filter(has_text=ja("review.fatigue.1")))
    page.keyboard.press("ArrowRight")
    chosen = pills.filter(has_text=ja("review.fatigue.2"))
    expect(chosen).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Space")
    settle(page)
    expect(chosen).to_have_attribute("data-selected", "true")
    press_on(page, page.get_by_role("button", name=ja("checkin.save")))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_be_visible()

    # On to the full review of the same week; a reflection only the review asks for, kept when the field is left.
    press_on(page, page.get_by_test_id("stMain").get_by_role("link", name=ja("checkin.to_review")))
    expect(main_heading(page, ja("review.title"))).to_be_visible()
    expect(page.get_by_label(ja("review.field.worked"), exact=True)).to_have_value(REFLECTION)
    type_and_leave(page, page.get_by_label(ja("review.field.thanks"), exact=True), THANKS)
    expect(page.get_by_text(ja("review.kept"))).to_be_visible()
    assert not page.page_errors, page.page_errors

    # Saved, not only shown: a new visit (a reload starts a new session) reads the review back from the workspace.
    page.reload()
    expect(main_heading(page, ja("review.title"))).to_be_visible()
    settle(page)
    expect(page.get_by_label(ja("review.field.thanks"), exact=True)).to_have_value(THANKS)
    expect(page.get_by_label(ja("review.field.worked"), exact=True)).to_have_value(REFLECTION)


def test_html_lang_follows_the_chosen_language(fresh_app_url, page):  # noqa: F811 (fixtures)
    page.goto(f"{fresh_app_url}/define")
    expect(main_heading(page, ja("define.title"))).to_be_visible()
    settle(page)
    lang = page.locator("html")
    expect(lang).to_have_attribute("lang", "ja")  # Streamlit's shell says "en" until the app says otherwise

    page.get_by_test_id("stButtonGroup").last.get_by_text("English", exact=True).click()
    settle(page)
    expect(main_heading(page, t("define.title", "en"))).to_be_visible()
    expect(lang).to_have_attribute("lang", "en")
    # Moving to another page keeps it; so does a new visit, which starts in the language the plan remembers.
    nav_bar(page).filter(has=page.get_by_text(t("nav.bar.log", "en"), exact=True)).click()
    expect(main_heading(page, t("log.title", "en"))).to_be_visible()
    settle(page)
    expect(lang).to_have_attribute("lang", "en")
    page.reload()
    expect(main_heading(page, t("log.title", "en"))).to_be_visible()
    settle(page)
    expect(lang).to_have_attribute("lang", "en")

    page.get_by_test_id("stButtonGroup").last.get_by_text("日本語", exact=True).click()
    settle(page)
    expect(main_heading(page, ja("log.title"))).to_be_visible()
    expect(lang).to_have_attribute("lang", "ja")
    assert not page.page_errors, page.page_errors


# --- an installed copy --------------------------------------------------------------------------------


def installed_copy(target: Path) -> Path:
    """What a wheel of this project holds, laid out as site-packages would: the py-modules, every package's .py
    files and the package data pyproject.toml declares — and so no .streamlit/ folder."""
    target.mkdir(parents=True, exist_ok=True)
    setup = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    for module in setup["py-modules"]:
        shutil.copy2(REPO / f"{module}.py", target / f"{module}.py")
    data = setup.get("package-data", {})
    for pattern in setup["packages"]["find"]["include"]:
        top = pattern.rstrip("*")
        for source in (REPO / top).rglob("*.py"):
            if "__pycache__" not in source.parts:
                (target / source.relative_to(REPO)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / source.relative_to(REPO))
        for glob in data.get(top, []):
            for source in (REPO / top).glob(glob):
                (target / source.relative_to(REPO)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / source.relative_to(REPO))
    return target


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_kpi_coach_app_from_an_installed_copy_has_the_apps_theme(tmp_path, page):  # noqa: F811 (fixtures)
    site = installed_copy((tmp_path / "site-packages").resolve())
    assert not (site / ".streamlit").exists() and (site / "kpi_core" / "app_config.toml").exists()
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"  # no ~/.streamlit/config.toml of the machine's own either
    home.mkdir()
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        # `kpi-coach app` is `python -m kpi_core.cli app`; the copy comes first on the path, as site-packages would.
        server = subprocess.Popen(
            [sys.executable, "-m", "kpi_core.cli", "app", "--port", str(port)], cwd=elsewhere, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,  # the CLI starts streamlit as its child: stop both
            env={**os.environ, "PYTHONPATH": str(site), "HOME": str(home), "PYTHONUNBUFFERED": "1",
                 "KPI_COACH_WORKSPACE": str(tmp_path / "workspace.sqlite3")})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.25)

        page.goto(url)
        expect(main_heading(page, ja("app.name"))).to_be_visible()
        page.wait_for_selector(RUN_DONE)
        for selector in ("[data-testid=stMain] button[data-selected=true] p", "[data-testid=stCaptionContainer]"):
            page.wait_for_selector(selector)  # the foot's language switch and captions come last on a loaded machine
        theme = tomllib.loads((site / "kpi_core" / "app_config.toml").read_text(encoding="utf-8"))["theme"]
        rgb = {name: "rgb({}, {}, {})".format(*(int(theme[name][i:i + 2], 16) for i in (1, 3, 5)))
               for name in ("backgroundColor", "textColor", "primaryColor")}
        shown = page.evaluate("""() => {
            const colour = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
            return {background: colour('[data-testid=stApp]', 'backgroundColor'),
                    text: colour('[data-testid=stMain] h1', 'color'),
                    selected: colour('[data-testid=stMain] button[data-selected=true] p', 'color'),
                    caption: colour('[data-testid=stCaptionContainer]', 'color')};
        }""")
        # Streamlit's default theme would give a white background, #31333f text and a red #ff4b4b selection.
        assert shown["background"] == rgb["backgroundColor"], shown
        assert shown["text"] == rgb["textColor"], shown
        assert shown["selected"] == rgb["primaryColor"], shown  # the language switch's chosen segment
        muted = mix(theme["textColor"], theme["backgroundColor"], MUTED_SHARE)
        assert shown["caption"] == "rgb({}, {}, {})".format(*(int(muted[i:i + 2], 16) for i in (1, 3, 5))), shown
        assert not page.page_errors, page.page_errors
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
