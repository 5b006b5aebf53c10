"""Real browser: nothing entered is lost on a reload, and a second tab sees what the first one stored.

Type into a define field, leave it, move on a step, reload: the text and the step are back. Then a second tab is
opened on the log page, the first one uploads a file, the second reloads: it shows the rows.

Run: `python -m pytest tests/test_browser_kept.py -q`. The server and Chromium set-up are tests/test_browser.py's.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_browser import (  # noqa: F401 (fixtures are used by name)
    browser_context_args,
    browser_type_launch_args,
    fresh_app_url,
    ja,
    main_heading,
    page,
    settle,
    type_into,
)

pytestmark = pytest.mark.browser

PERSON = "育休から復帰したばかりの30代の営業職"
PROBLEM = "転職したいけれど、自分の強みが分からない"
# Four rows as Excel on Japanese Windows saves them (cp932, CRLF).
LOG = ("日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ\r\n"
       "2025/1/6,投稿,30,5,4,1,悩みが解決したとDM\r\n2025/1/8,投稿,30,3,3,0,\r\n"
       "2025/1/10,投稿,30,8,5,1,\r\n2025/1/13,投稿,20,2,4,1,\r\n").encode("cp932")


def open_page(tab: Page, url: str, title_key: str) -> None:
    tab.goto(url)
    expect(main_heading(tab, ja(title_key))).to_be_visible()
    settle(tab)


def step_heading(tab: Page, step: str):
    return tab.get_by_test_id("stMain").get_by_role("heading", name=ja(f"define.step.{step}"))


def test_a_reload_keeps_typed_text_and_the_step_and_a_second_tab_sees_an_upload(fresh_app_url, page,  # noqa: F811
                                                                                tmp_path):
    open_page(page, f"{fresh_app_url}/define", "define.title")
    type_into(page, ja("define.field.person"), PERSON)  # typed, then the field is left (Tab)
    page.get_by_role("button", name=ja("define.next")).click()
    settle(page)
    expect(step_heading(page, "problem")).to_be_visible()
    type_into(page, ja("define.field.problem"), PROBLEM)

    page.reload()  # a new session: only what was stored can come back
    expect(main_heading(page, ja("define.title"))).to_be_visible()
    settle(page)
    expect(step_heading(page, "problem")).to_be_visible()  # the step reached
    expect(page.get_by_label(ja("define.field.problem"), exact=True)).to_have_value(PROBLEM)
    page.get_by_role("button", name=ja("define.back")).click()
    settle(page)
    expect(page.get_by_label(ja("define.field.person"), exact=True)).to_have_value(PERSON)

    second = page.context.new_page()  # the second tab, open on the log page before anything is uploaded
    open_page(second, f"{fresh_app_url}/log", "log.title")
    expect(second.get_by_role("heading", name=ja("log.current", rows=0))).to_be_visible()
    open_page(page, f"{fresh_app_url}/log", "log.title")
    csv = tmp_path / "活動記録.csv"
    csv.write_bytes(LOG)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(csv)
    expect(page.get_by_role("heading", name=ja("log.current", rows=4))).to_be_visible()
    settle(page)

    second.reload()
    expect(main_heading(second, ja("log.title"))).to_be_visible()
    settle(second)
    expect(second.get_by_role("heading", name=ja("log.current", rows=4))).to_be_visible()
    assert not page.page_errors, page.page_errors
