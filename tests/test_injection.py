"""Markdown and HTML typed by a person or carried by a file never renders: it shows as the characters written.

A remote image (`![x](http://…)`), an HTML `<img src=…>`, a `javascript:` link and `**bold**` go into every text
field (the define page, the review's reflections and followers figure, the custom KPI name), into a log file's
header names, cells and file name, and into a plan and reviews imported from a zip. Then every page is opened
in both languages: wherever the text is shown it is escaped (kpi_core.markdown.literal), and no Markdown surface
of any page (markdown, captions, alerts, headings, labels, help, options) holds one of them unescaped.
The real browser, with a server on PORT that must receive nothing, is tests/test_browser.py.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi_core.cycle import REFLECTION_FIELDS
from kpi_core.demo import DEMO_START, demo_log, demo_plan
from kpi_core.markdown import literal
from kpi_core.messages import t
from kpi_core.plan import CycleDecision, KpiChoice, ValueStatement
from kpi_core.report import CUSTOM_KPI_ID
from kpi_core.store.workspace import Workspace

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ("app.py", "pages/1_define.py", "pages/2_persona.py", "pages/3_log.py", "pages/4_dashboard.py",
         "pages/5_review.py", "pages/6_data.py")
PORT = 9  # discard: in-process there is no server to reach (the browser test serves a real one)
IMAGE = f"![x](http://127.0.0.1:{PORT}/p)"
HTML = f'<img src="http://127.0.0.1:{PORT}/i">'
LINK = "[link](javascript:alert(1))"
BOLD = "**bold**"
PAYLOADS = (IMAGE, HTML, LINK, BOLD)
ALL = " ".join(PAYLOADS)
FIGURE = f"1,234 {IMAGE} {BOLD}"  # a followers figure is capped at 100 characters
# Each payload as it would render if left unescaped: an image, HTML, a link, bold.
RAW = (re.compile(r"!\["), re.compile(r"(?<!\\)<img"), re.compile(r"\[link\]\("), re.compile(r"\*\*bold\*\*"))
FILE_NAME = f"{BOLD} {LINK}.csv"
WEEK_12 = "2026-03-23"  # the sample's last week, where the review opens
VANITY = f"フォロワー数({ALL})"  # a follower count with a note: left out, and quoted by the coaching
HEADER = ["日付", "アクション内容", "投入時間(分)", "直接反応数", "質的評価", "問い合わせ数", "メモ", *PAYLOADS, VANITY]


def payload_statement() -> ValueStatement:
    fields = {f.name: ALL for f in dataclasses.fields(ValueStatement)}
    return ValueStatement(**fields)


def export_with_payloads(folder: Path) -> bytes:
    """A backup zip as another machine might send it: the plan's texts, its remembered column match, the
    statement kept by a "rewrite", every review's words and the log's actions and memos carry the payloads."""
    plan = demo_plan("office_worker")
    plan.statement = payload_statement()
    plan.kpis = [*plan.kpis, KpiChoice(CUSTOM_KPI_ID, 1.0)]
    plan.cycle_decisions = [CycleDecision(1, "rewrite", DEMO_START, payload_statement())]
    plan.column_maps = {"sig": {"inquiries": ALL}}
    log = demo_log("office_worker")
    log.loc[log.index[::5], "memo"] = ALL
    log.loc[log.index[-1], "action"] = ALL
    with Workspace.open(folder / "source.sqlite3") as source:
        source.save_plan(plan)
        source.append_rows(log)
        for week in sorted({d.date() - dt.timedelta(days=d.weekday()) for d in log["date"]}):
            source.save_review(week.isoformat(), {**dict.fromkeys(REFLECTION_FIELDS, ALL), "followers": FIGURE})
        return source.export_zip()


def log_file(memo: str) -> bytes:
    """A log whose header names are the payloads, whose cells carry them, and one row whose minutes is one."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerow(["2026/3/24", ALL, "30", "4", "4", "1", memo, *PAYLOADS, "100"])
    writer.writerow(["2026/3/25", "投稿", "20", "2", "3", "0", ALL, *PAYLOADS, "100"])
    writer.writerow(["2026/3/26", "投稿", HTML, "2", "3", "0", LINK, *PAYLOADS, "100"])  # refused: minutes
    return out.getvalue().encode("utf-8")


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, page: str, lang: str = "ja") -> AppTest:
    at.session_state["lang"] = lang
    at.switch_page(page)
    return run(at)


def by_key(widgets, prefix: str):
    return next(w for w in widgets if w.key and (w.key == prefix or w.key.startswith(prefix + "~")))


@pytest.fixture(scope="module")
def visited(tmp_path_factory):
    """One visit that typed, dropped and imported the payloads everywhere (shared by the page checks)."""
    folder = tmp_path_factory.mktemp("injection")
    patch = pytest.MonkeyPatch()
    patch.setenv("KPI_COACH_WORKSPACE", str(folder / "workspace.sqlite3"))
    patch.delenv("KPI_COACH_HOSTED", raising=False)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)

    # A plan and reviews imported from a zip (replacing the empty workspace).
    go(at, "pages/6_data.py")
    at.get("file_uploader")[0].upload("backup.zip", export_with_payloads(folder), "application/zip")
    run(at)
    at.radio(key="import_mode").set_value("replace")
    run(at)
    at.checkbox(key="import_sure").check()
    run(at)
    at.button(key="import_go").click()
    run(at)
    assert at.session_state["plan"].statement.person == ALL, [e.value for e in at.error]

    # Every field of the define page, step by step, then the sentence and the custom KPI's name.
    go(at, "pages/1_define.py")
    while True:
        for box in (*at.text_input, *at.text_area):
            if box.key and box.key.startswith("define_"):
                box.set_value(ALL)
        run(at)
        forward = at.button[-1]
        if forward.disabled:
            break
        forward.click()
        run(at)
    assert at.session_state["plan"].statement.custom_kpi == ALL
    assert at.session_state["plan"].statement.sentence == ALL

    # A log file: payload header names, cells and file name; then the same file again with a memo changed.
    go(at, "pages/3_log.py")
    at.get("file_uploader")[0].upload(FILE_NAME, log_file(IMAGE), "text/csv")
    run(at)
    at.get("file_uploader")[0].upload(FILE_NAME, log_file(BOLD), "text/csv")
    run(at)

    # The review of the last week: every reflection and the followers figure typed in.
    go(at, "pages/5_review.py")
    for field in REFLECTION_FIELDS:
        by_key(at.text_area, f"review_{field}_{WEEK_12}").input(ALL)
    by_key(at.text_input, f"share_followers_{WEEK_12}").input(FIGURE)
    run(at)
    assert at.session_state["reviews"][WEEK_12]["followers"] == FIGURE
    yield at
    patch.undo()
    st.cache_data.clear()


def walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def surfaces(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) for every place of the page that Streamlit renders as Markdown."""
    found = []
    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is None or kind in ("code", "arrow_data_frame", "vega_lite_chart"):
            continue
        for field, value in proto.ListFields():
            if field.name in ("body", "label", "help", "text") and isinstance(value, str):
                found.append((kind, value))
            elif field.name in ("options", "captions") and kind == "radio":
                found += [(kind, str(v)) for v in value]
    return found


# Where each page shows the payloads, each kind of element at least one, all four between them (the rest of
# the page must simply hold none unescaped).
SHOWN = {
    "pages/1_define.py": ("info",),  # the statement from before the rewrite
    "pages/2_persona.py": ("checkbox",),  # the custom KPI's name
    "pages/3_log.py": ("info", "expander", "markdown"),  # ignored headers, the file name, the changed memo
    "pages/4_dashboard.py": ("markdown",),  # the custom KPI's line
    "pages/5_review.py": ("info", "caption", "markdown"),  # last week's experiment, reflections, experiments
}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_typed_and_uploaded_markdown_literally(visited, page, lang):
    at = go(visited, page, lang)
    shown = surfaces(at)
    unescaped = [(kind, text) for kind, text in shown if any(raw.search(text) for raw in RAW)]
    assert unescaped == []
    where = SHOWN.get(page)
    if where is None:  # home and data pages: nothing of the person's is shown there
        return
    texts = {kind: "\n".join(text for k, text in shown if k == kind) for kind in where}
    assert [p for p in PAYLOADS if not any(literal(p) in text for text in texts.values())] == [], texts
    assert [kind for kind, text in texts.items() if not any(literal(p) in text for p in PAYLOADS)] == [], texts


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_share_report_preview_is_text_with_the_persons_words_escaped(visited, lang):
    at = go(visited, "pages/5_review.py", lang)
    preview = [c.value for c in at.code]
    assert len(preview) == 1 and not at.expander[-1].markdown  # shown as text, nothing of it rendered
    # The figure typed and the custom KPI's name, escaped as in the downloaded file.
    assert literal(FIGURE, screen=False) in preview[0] and literal(ALL, screen=False) in preview[0]
    assert not [raw.pattern for raw in RAW if raw.search(preview[0])]


def test_the_log_page_names_each_refused_and_ignored_thing_as_written(visited):
    at = go(visited, "pages/3_log.py", "en")
    infos = [i.value for i in at.info]
    for header in PAYLOADS:
        assert literal(t("reader.ignored.unknown", "en", column=header)) in infos
    problems = next(d.value for d in at.dataframe if "Value" in d.value.columns or "値" in d.value.columns)
    assert HTML in list(problems.iloc[:, 2])  # a table cell is text already: shown exactly as written
    assert f"⚠️ {literal(FILE_NAME)}" in [e.label for e in at.expander]
    assert literal(t("reader.ignored.vanity", "en", column=VANITY)) in infos


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_coaching_quotes_a_files_column_names_as_written(visited, lang):
    at = go(visited, "pages/5_review.py", lang)
    cards = [m.value for m in at.markdown]
    title = f"**{literal(t('coaching.vanity_drift.title', lang))}**"
    assert any(title in card for card in cards) and any(literal(VANITY) in card for card in cards), cards
