"""Dashboard charts: every colour meets WCAG 2.1 AA, each chart says what it shows, specs are cached on content."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from kpi_core.coaching import show
from kpi_core.contrast import NON_TEXT_AA, TEXT_AA, contrast, mix
from kpi_core.demo import demo_log, demo_plan
from kpi_core.messages import t
from kpi_core.report import column_label
from kpi_core.store.workspace import Workspace
from pages._ui import cached, charts
from pages._ui.cached import content_key
from tests.test_pages import clean_caches, open_page  # noqa: F401  (the autouse fixture too)

ROOT = Path(__file__).resolve().parent.parent
# Where a spec names a text colour: (config section, key). Each must be set, so no text is left to the theme.
TEXT_COLOURS = [("title", "color"), ("title", "subtitleColor"), ("axis", "labelColor"), ("axis", "titleColor"),
                ("legend", "labelColor"), ("legend", "titleColor")]
LINE_AXIS_COLOURS = [("axis", "domainColor"), ("axis", "tickColor")]


def theme_background() -> str:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]["backgroundColor"]


def units(spec: dict) -> list[dict]:
    """The single views of a spec: itself, or the parts of its layer."""
    return spec.get("layer", [spec])


def drawn(colour: str, mark: dict, background: str, opacity_key: str = "opacity") -> str:
    """What the eye sees of `colour` drawn at the mark's opacity over the background."""
    return mix(colour, background, float(mark.get(opacity_key, mark.get("opacity", 1))))


def contrast_failures(spec: dict) -> list[str]:
    """Every text colour under 4.5:1 and every mark colour under 3:1 against the chart's background, each as a line;
    a mark whose colour is left to the theme counts as a failure (nothing here could vouch for it)."""
    background = spec["background"]
    failures = []
    config = spec["config"]
    for section, key in TEXT_COLOURS:
        colour = config.get(section, {}).get(key)
        if colour is None:
            failures.append(f"text {section}.{key} left to the theme")
        elif contrast(colour, background) < TEXT_AA:
            failures.append(f"text {section}.{key} {colour}: {contrast(colour, background):.2f}:1")
    for section, key in LINE_AXIS_COLOURS:
        colour = config.get(section, {}).get(key)
        if colour is not None and contrast(colour, background) < NON_TEXT_AA:
            failures.append(f"axis line {section}.{key} {colour}: {contrast(colour, background):.2f}:1")

    def passes(colour: str | None, mark: dict, opacity_key: str = "opacity") -> bool:
        return colour is not None and contrast(drawn(colour, mark, background, opacity_key), background) >= NON_TEXT_AA

    rules = [(unit["mark"].get("color"), unit["encoding"]["y"]["field"]) for unit in units(spec)
             if unit["mark"]["type"] == "rule" and passes(unit["mark"].get("color"), unit["mark"])]
    for unit in units(spec):
        mark, encoding = unit["mark"], unit.get("encoding", {})
        kind = mark["type"]
        scale = encoding.get("color", {}).get("scale", {})
        colours = [c for c in (mark.get("color"), mark.get("fill")) if c]
        if mark.get("stroke") not in (None, background):  # a stroke in the background colour is a gap, not a mark
            colours.append(mark["stroke"])
        colours += scale.get("range", [])
        if not colours:
            failures.append(f"{kind}: colour left to the theme")
        for part in ("line", "point"):
            colour = mark[part].get("color") if isinstance(mark.get(part), dict) else None
            if colour and not passes(colour, mark[part]):
                failures.append(f"{kind} {part} {mark[part]['color']}: under 3:1")
        for colour in colours:
            if passes(colour, mark, "fillOpacity"):
                continue
            # A pale fill is allowed where a passing edge draws the shape: a bar's own outline, an area's line, the
            # two rules at a band's ends. Anything else must reach 3:1 by itself.
            echoed = (colour == mark.get("fill") and passes(mark.get("stroke"), mark)) or (
                kind == "area" and passes(mark.get("line", {}).get("color"), {})) or (
                kind == "rect" and all(any(field == encoding[ch]["field"] for _, field in rules) for ch in ("y", "y2")))
            if not echoed:
                shown = drawn(colour, mark, background, "fillOpacity")
                failures.append(f"{kind} {colour} (drawn {shown}): {contrast(shown, background):.2f}:1")
    return failures


def workspace_with(tmp_path, persona: str, lang: str) -> None:
    with Workspace.open(tmp_path / "workspace.sqlite3") as workspace:
        workspace.save_plan(demo_plan(persona, lang=lang))
        workspace.append_rows(demo_log(persona, lang=lang))


def drawn_specs(tmp_path, persona: str, lang: str) -> tuple[list[dict], object]:
    workspace_with(tmp_path, persona, lang)
    at = open_page("dashboard", lang)
    assert not at.exception, [e.value for e in at.exception]
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")], at


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("persona", ["office_worker", "homemaker"])
def test_every_chart_the_dashboard_draws_meets_wcag_contrast(tmp_path, persona, lang):
    specs, _ = drawn_specs(tmp_path, persona, lang)
    kinds = {unit["mark"]["type"] for spec in specs for unit in units(spec)}
    assert len(specs) >= 8 and {"bar", "line", "area", "rule"} <= kinds
    if persona == "office_worker":  # its posts-per-week KPI is a band: the shaded range is walked too
        assert "rect" in kinds
    for spec in specs:
        assert spec["background"] == theme_background()  # the colours were measured on the page's own background
        assert contrast_failures(spec) == [], spec["title"]["text"]


def test_a_colour_under_the_threshold_fails_the_check(monkeypatch):
    weeks, smoothed, kpi_rows = sample_frames()
    good = charts.build(weeks, smoothed, kpi_rows, "inquiries", {}, {"post": "Post"}, "en")
    assert all(contrast_failures(spec) == [] for spec in [*good["kpis"].values(), good["sustainability"],
                                                          good["minutes_results"]])
    monkeypatch.setattr(charts, "ORANGE", "#d9822b")  # the old target orange: 2.8:1
    monkeypatch.setattr(charts, "GREEN", "#5fb3a1")  # a paler green: 2.4:1
    monkeypatch.setitem(charts.CONFIG, "axis", {**charts.CONFIG["axis"], "labelColor": "#8a8f8c"})  # 3.2:1
    monkeypatch.setattr(charts, "BAR_EDGE", "#c4c8c5")  # 1.6:1: the pale bars lose the edge that carried them
    bad = charts.build(weeks, smoothed, kpi_rows, "inquiries", {}, {"post": "Post"}, "en")
    bars = contrast_failures(bad["minutes_results"])
    assert any(line.startswith("bar #d5d8d6") for line in bars) and any(line.startswith("bar #c4c8c5") for line in bars)
    kpi = contrast_failures(next(iter(bad["kpis"].values())))
    assert any(line.startswith("rule #d9822b") for line in kpi), kpi
    assert any(line.startswith("line #5fb3a1") for line in kpi), kpi
    assert any(line.startswith("text axis.labelColor #8a8f8c") for line in kpi), kpi
    # The area's fill is pale by design; its line is what must pass, and here it does not.
    assert any(line.startswith("area #5fb3a1") for line in contrast_failures(bad["sustainability"]))


def test_a_mark_without_its_own_colour_fails_the_check():
    weeks, smoothed, kpi_rows = sample_frames()
    spec = charts.build(weeks, smoothed, kpi_rows, "inquiries", {}, {"post": "Post"}, "en")["action_mix"]
    del spec["encoding"]["color"]["scale"]  # the theme's palette would decide, and some of it is 1.7:1
    assert "bar: colour left to the theme" in contrast_failures(spec)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_chart_has_a_title_and_a_description_with_the_shown_week(tmp_path, lang):
    specs, at = drawn_specs(tmp_path, "office_worker", lang)
    last_week = pd.Timestamp(demo_log("office_worker")["date"].max()).to_period("W-SUN").start_time
    week = show(last_week.date(), lang)
    for spec in specs:
        assert spec["title"]["text"]
        assert week in spec["description"], spec["description"]
    by_title = {spec["title"]["text"] if isinstance(spec["title"]["text"], str) else "".join(spec["title"]["text"]):
                spec["description"] for spec in specs}
    score = next(d.value for d in at.dataframe if t("column.sustainability", lang) in d.value.columns)
    latest = score[t("column.sustainability", lang)].iloc[-1]  # the table beside it says the same figure
    assert t("chart.desc.points", lang, value=latest) in by_title[t("chart.sustainability", lang)]


def sample_frames(extra: float = 0.0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    starts = pd.to_datetime(["2025-01-06", "2025-01-13"])
    weeks = pd.DataFrame({"week_start": starts, "minutes": [90.0, 20.0 + extra], "results": [2, 1],
                          "sustainability": [70.0, 82.5], "actions_post": [3, 1], "actions_reply": [0, 2],
                          **dict.fromkeys(("sust_load", "sust_rhythm", "sust_rating", "sust_fatigue"), [60.0, 80.0]),
                          "fatigue": [None, 2.0]})
    smoothed = pd.DataFrame({"week_start": starts, "minutes": [90.0, 20.0 + extra], "results": [2, 1],
                             "minutes_per_result": [45.0, 20.0 + extra], "smoothed_minutes_per_result": [45.0, 32.5]})
    kpi_rows = pd.DataFrame({"id": ["posts", "posts"], "week_start": starts, "value": [3.0, 1.0],
                             "target": [2.0, 2.0], "target_max": [3.0, 3.0], "direction": ["band", "band"],
                             "met": [True, False]})
    return weeks, smoothed, kpi_rows


def test_descriptions_say_the_shown_weeks_figures_in_the_chosen_language():
    weeks, smoothed, kpi_rows = sample_frames()
    for lang in ("ja", "en"):
        specs = charts.build(weeks, smoothed, kpi_rows, "Inquiries", {"posts": ("Posts", "per week")},
                             {"post": "Post", "reply": "Reply"}, lang)
        week = show(pd.Timestamp("2025-01-13").date(), lang)
        minutes = t("chart.desc.minutes", lang, value="20")
        assert specs["minutes_results"]["description"] == t(
            "chart.desc.minutes_results", lang, weeks=2, week=week, result="Inquiries", minutes=minutes, results="1")
        assert specs["minutes_per_result"]["description"] == t(
            "chart.desc.minutes_per_result", lang, weeks=2, week=week, raw=minutes,
            smoothed=t("chart.desc.minutes", lang, value="32.5"))
        assert specs["action_mix"]["description"] == t(
            "chart.desc.action_mix", lang, weeks=2, week=week, actions="3", category="Reply", count="2")
        assert specs["kpis"]["posts"]["description"] == t(
            "chart.desc.kpi", lang, weeks=2, week=week, name="Posts",
            value=t("chart.desc.kpi_value", lang, value="1", unit="per week"),
            target=t("chart.desc.kpi_value", lang, value="2–3", unit="per week"))
    # A week without a figure says so in words, not with a dash a screen reader reads as "dash".
    gap = smoothed.assign(minutes_per_result=[45.0, None])
    text = charts.minutes_per_result(gap, "en")["description"]
    assert t("chart.desc.none", "en") in text and "—" not in text


def test_charts_and_tables_are_built_once_per_content_and_shared(monkeypatch):
    calls = []
    real = charts.sustainability
    monkeypatch.setattr(charts, "sustainability", lambda *a: calls.append(1) or real(*a))
    st.cache_data.clear()
    args = ({"posts": ("Posts", "per week")}, {"post": "Post"}, "en")
    first = charts.cached_dashboard(*sample_frames(), "Inquiries", *args)
    again = charts.cached_dashboard(*(f.copy() for f in sample_frames()), "Inquiries", *args)  # another session
    assert len(calls) == 1 and again["specs"] == first["specs"]
    assert list(first["tables"]["minutes_per_result"][t("column.minutes_per_result", "en")]) == ["45", "20"]
    changed = charts.cached_dashboard(*sample_frames(extra=5.0), "Inquiries", *args)  # one cell differs
    assert len(calls) == 2
    assert changed["specs"]["minutes_results"]["description"] != first["specs"]["minutes_results"]["description"]
    assert list(changed["tables"]["minutes_per_result"][t("column.minutes_per_result", "en")]) == ["45", "25"]
    charts.cached_dashboard(*sample_frames(), "Inquiries", *args[:2], "ja")  # the language is part of the key
    assert len(calls) == 3


def test_the_content_key_covers_every_row_of_a_long_frame():
    # Streamlit's own frame hash samples 10,000 of 50,000+ rows; a shared cache must not.
    long = pd.DataFrame({"week_start": pd.date_range("1900-01-01", periods=60_000, freq="D"), "value": 1.0})
    other = long.copy()
    other.loc[59_999, "value"] = 2.0
    assert content_key(long) == content_key(long.copy())
    assert content_key(long) != content_key(other)
    assert content_key(long) != content_key(long.rename(columns={"value": "other"}))
    assert content_key(long) != content_key(long.astype({"value": "float32"}))


def test_shared_caches_tell_apart_long_logs_that_differ_in_one_row(monkeypatch):
    # Streamlit's default key for a frame of 50,000+ rows is a sample of 10,000 of them: two people's logs that
    # differ elsewhere would share an entry. Five logs, each one row off from the first, must make five entries.
    calls = []
    monkeypatch.setattr(cached, "results_by_category", lambda log, **_: calls.append(1) or log.tail(1))
    st.cache_data.clear()
    base = pd.DataFrame({"date": pd.date_range("1900-01-01", periods=60_000, freq="D"), "minutes": 1.0})
    cached.category_results(base, "auto", None, ())
    for row in (7, 12_345, 30_001, 48_888, 59_999):
        other = base.copy()
        other.loc[row, "minutes"] = 2.0
        cached.category_results(other, "auto", None, ())
    assert len(calls) == 6


def test_the_income_table_by_month_is_built_only_while_its_box_is_open(tmp_path):
    workspace_with(tmp_path, "freelancer", "en")  # the freelancer's sample has income
    at = open_page("dashboard", "en")
    month = column_label("month", "en")
    assert t("dashboard.income.by_month", "en") in [e.label for e in at.expander]
    assert not [d for d in at.dataframe if month in d.value.columns]  # closed: nothing built
    at.session_state["income_by_month"] = True  # what opening the box sends
    at.run()
    assert [d for d in at.dataframe if month in d.value.columns]
