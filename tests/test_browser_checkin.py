"""Real browser, on a phone (390×844): the weekly check-in from home to saved with the sample data, no chart on
the way, and a reload that keeps the week chosen in the review (it is in the URL).

Run: `python -m pytest tests/test_browser_checkin.py -q`. The server and Chromium set-up are tests/test_browser.py's.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from test_browser import (  # noqa: F401 (fixtures are used by name)
    PHONE,
    artifacts,
    browser_context_args,
    browser_type_launch_args,
    choose_option,
    full_page_screenshot,
    ja,
    main_heading,
    open_from_nav,
    page,
    serve,
    settle,
    type_into,
)

from kpi_core.demo import demo_log, demo_plan
from kpi_core.localtime import local_today
from kpi_core.store.workspace import Workspace
from kpi_core.weeks import last_finished_week

pytestmark = pytest.mark.browser

CHARTS = "[data-testid=stVegaLiteChart], .vega-embed"
ZONE = "Asia/Tokyo"  # the browser's (test_browser.browser_context_args): the person's own calendar


def test_checkin_from_home_to_saved_on_one_screen_and_a_reload_keeps_the_week(tmp_path, page: Page, artifacts):  # noqa: F811
    # The person's own data (kept in the workspace, so a reload finds it): the office worker's twelve weeks.
    today = local_today(ZONE)
    with Workspace.open(tmp_path / "workspace.sqlite3") as workspace:
        workspace.save_plan(demo_plan("office_worker", end=today))
        workspace.append_rows(demo_log("office_worker", end=today))
    with serve(tmp_path) as url:
        page.set_viewport_size(PHONE)
        page.goto(f"{url}/data")
        expect(main_heading(page, ja("data.title"))).to_be_visible()
        settle(page)
        page.get_by_role("button", name=ja("data.demo.start")).click()  # "try with sample data"
        settle(page)
        expect(page.get_by_text(ja("demo.banner", persona="会社員"))).to_be_visible()

        # Home → the check-in, one tap, offered on the first screen.
        open_from_nav(page, "nav.home", "app.name", "")
        checkin = page.get_by_test_id("stMain").get_by_role("link", name=ja("home.checkin"))
        expect(checkin).to_be_in_viewport()
        checkin.click()
        expect(page).to_have_url(re.compile(r"/checkin$"))
        expect(main_heading(page, ja("checkin.title"))).to_be_visible()
        settle(page)
        expect(page.get_by_text(ja("checkin.coaching"), exact=True)).to_be_visible()

        # Three answers, the tiredness question, save: no chart anywhere on the way to the button.
        type_into(page, ja("review.field.worked"), "体験談の投稿に相談が来た")
        type_into(page, ja("review.field.change"), "夜の返信が長すぎた")
        type_into(page, ja("review.field.experiment"), "返信は朝だけにする")
        # (the sample already answered 2 for its last week: a tap on 4 changes it, and the headline counts it)
        page.get_by_test_id("stButtonGroup").get_by_text(ja("review.fatigue.4"), exact=True).click()
        settle(page)
        expect(page.get_by_text(ja("review.fatigue.4") + ")")).to_be_visible()
        save = page.get_by_role("button", name=ja("checkin.save"))
        save.scroll_into_view_if_needed()
        expect(page.locator(CHARTS)).to_have_count(0)
        save.click()
        settle(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_be_visible()
        expect(page.locator(CHARTS)).to_have_count(0)
        full_page_screenshot(page, artifacts / "checkin_phone.png", PHONE)

        # Back to the person's own data: a week chosen in the review is in the URL and survives a reload.
        page.get_by_role("button", name=ja("demo.leave")).click()
        settle(page)
        open_from_nav(page, "nav.review", "review.title", "review")
        week_box = page.get_by_role("combobox", name=ja("review.week"))
        expect(week_box).to_have_value(last_finished_week(today).isoformat())  # the last finished week first
        chosen_week = (last_finished_week(today) - dt.timedelta(weeks=2)).isoformat()
        choose_option(page, ja("review.week"), chosen_week)
        expect(page).to_have_url(re.compile(rf"[?&]week={chosen_week}"))
        page.reload()
        expect(main_heading(page, ja("review.title"))).to_be_visible()
        settle(page)
        expect(page.get_by_role("combobox", name=ja("review.week"))).to_have_value(chosen_week)
    assert not page.page_errors, page.page_errors
