"""The dashboard's charts as plain Vega-Lite dicts, built once per content and shared by every session.

Each chart has a title and a one-sentence `description` with the shown week's figure (Vega puts it on the chart as
its aria-label); the table beside it is the full text alternative. Colours are set here, not left to the theme, and
meet WCAG 2.1 AA on BACKGROUND (text 4.5:1, marks 3:1: tests/test_chart_specs.py). No Altair: building its
objects and converting them cost most of a dashboard rerun (bench/bench_rerun.py).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping

import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from kpi_core.coaching import show
from kpi_core.messages import t
from pages._ui.cached import BY_CONTENT
from pages._ui.tables import compact, readable

FONT = "Noto Sans CJK JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"
BACKGROUND = "#fbfaf7"  # the theme's backgroundColor, set on each chart so its contrast never rests on the theme
TEXT = "#24302d"  # titles: 13.1:1 on BACKGROUND
MUTED = "#4d5753"  # axis and legend labels: 7.2:1
AXIS = "#6b716e"  # axis lines and ticks: 4.8:1
GRID = "#e4e1da"  # grid lines: a background aid, not a mark
GREEN = "#2f7d6d"  # 4.7:1
ORANGE = "#b0621c"  # 4.4:1 (the old #d9822b was 2.8:1)
GREY = "#858a87"  # 3.4:1 (the raw line)
# Minutes as pale bars drawn with a dark edge: the edge carries the bar (4.8:1; the old bars were #8a8f8c at 60 %,
# 1.9:1 with no edge) and the green line over them still stands out from the fill (3.4:1).
BAR_FILL, BAR_EDGE = "#d5d8d6", "#6b716e"
# One colour per action category, in the catalog's order: each at least 3:1 on BACKGROUND, segments of a stack
# parted by a BACKGROUND stroke (so no two need to differ from each other by 3:1).
CATEGORY_COLOURS = ["#2f7d6d", "#1f6fb5", "#b0621c", "#7b4fb0", "#b03a2e", "#857000", "#a8336b", "#5c6770"]
TITLE_WIDTH = 36  # in half-width characters: 18 Japanese ones fit a chart on a 390 px phone screen (measured)
HEIGHT_PX = 220
CONFIG = {
    "font": FONT,
    "title": {"color": TEXT, "subtitleColor": MUTED, "font": FONT},
    "axis": {"labelColor": MUTED, "titleColor": TEXT, "labelFont": FONT, "titleFont": FONT,
             "domainColor": AXIS, "tickColor": AXIS, "gridColor": GRID},
    "legend": {"labelColor": MUTED, "titleColor": TEXT, "labelFont": FONT, "titleFont": FONT,
               "orient": "bottom", "columns": 3},
}


def title_lines(title: str, width: int = TITLE_WIDTH) -> str | list[str]:
    """The title as it is when short, else broken into lines of at most `width` half-width characters.

    Vega makes room for a title on one line by shrinking the plot: a long KPI name (the generated one
    quotes the whole statement) squashed its chart to a single point.
    """
    lines, line, used = [], "", 0
    for char in title:
        size = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + size > width:
            # Break English at the last space of the line; Japanese may break between any two characters.
            cut = line.rfind(" ") if " " in line and char != " " else -1
            head, line = (line[:cut], line[cut + 1:]) if cut > 0 else (line, "")
            lines.append(head.rstrip())
            used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        line += char
        used += size
    lines.append(line.strip())
    return title if len(lines) == 1 else [part for part in lines if part]


def _figure(value: object, lang: str) -> str:
    """A figure for a description; "not recorded" when unknown."""
    return t("chart.desc.none", lang) if value is None or pd.isna(value) else compact(value)


def _minutes(value: object, lang: str) -> str:
    known = not (value is None or pd.isna(value))
    return t("chart.desc.minutes", lang, value=compact(value)) if known else _figure(value, lang)


def _points(value: object, lang: str) -> str:
    known = not (value is None or pd.isna(value))
    return t("chart.desc.points", lang, value=compact(value)) if known else _figure(value, lang)


def _in_unit(value: object, unit: str, lang: str) -> str:
    known = not (value is None or pd.isna(value))
    return t("chart.desc.kpi_value", lang, value=compact(value), unit=unit).strip() if known else _figure(value, lang)


def _chart(frame: pd.DataFrame, title: str, description: str, body: dict) -> dict:
    """A whole spec: `body` (a mark and its encoding, or a layer) over `frame` sent once as Arrow bytes."""
    frame = frame.assign(week=pd.to_datetime(frame["week_start"]).dt.strftime("%Y-%m-%d")).drop(columns="week_start")
    # Weeks as ordered ISO labels: one band per week, labels on the week's first day (a time axis picks
    # its own tick days, which fall between weeks).
    data = dataframe_util.convert_anything_to_arrow_bytes(frame.reset_index(drop=True))
    name = "weeks_" + hashlib.sha256(data).hexdigest()[:16]  # named by content: the same data, the same spec
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        # "bounds": the title may use the chart's whole width, axis included (on a phone the plot alone is too narrow).
        "title": {"text": title_lines(title), "anchor": "start", "frame": "bounds"},
        "description": description,
        "background": BACKGROUND,
        "config": CONFIG,
        "width": "container",
        "height": HEIGHT_PX,
        # "fit-x" with padding keeps the 220 px for the plot itself; a legend no longer squashes it.
        "autosize": {"type": "fit-x", "contains": "padding"},
        "datasets": {name: data},
        "data": {"name": name},
        **body,
    }


def _week_axis(lang: str) -> dict:
    return {"field": "week", "type": "ordinal", "title": t("chart.week", lang), "sort": "ascending",
            "axis": {"labelExpr": "slice(datum.label, 5)", "labelAngle": 0, "labelOverlap": True}}


def _week_tip(lang: str) -> dict:
    return {"field": "week", "type": "ordinal", "title": t("chart.week", lang)}


def _lead(frame: pd.DataFrame, lang: str) -> tuple[pd.Series, dict]:
    """The shown week's row (the last) and the words every description starts from: how many weeks, which one."""
    last = frame.iloc[-1]
    return last, {"weeks": len(frame), "week": show(pd.Timestamp(last["week_start"]).date(), lang)}


def minutes_and_results(weeks: pd.DataFrame, result: str, lang: str) -> dict:
    """Weekly minutes as bars beside the key result (named `result`) as a line, each with its own axis."""
    frame = weeks[["week_start", "minutes", "results"]].astype({"minutes": "float64", "results": "float64"})
    last, lead = _lead(frame, lang)
    bars = {"mark": {"type": "bar", "fill": BAR_FILL, "stroke": BAR_EDGE, "strokeWidth": 1},
            "encoding": {"x": _week_axis(lang),
                         "y": {"field": "minutes", "type": "quantitative", "title": t("chart.minutes", lang)},
                         "tooltip": [_week_tip(lang), {"field": "minutes", "type": "quantitative",
                                                       "title": t("chart.minutes", lang)}]}}
    line = {"mark": {"type": "line", "color": GREEN, "point": {"color": GREEN, "filled": True}},
            "encoding": {"x": _week_axis(lang), "y": {"field": "results", "type": "quantitative", "title": result},
                         "tooltip": [_week_tip(lang), {"field": "results", "type": "quantitative", "title": result}]}}
    description = t("chart.desc.minutes_results", lang, **lead, result=result,
                    minutes=_minutes(last["minutes"], lang),
                    results=_figure(last["results"], lang))
    return _chart(frame, t("chart.minutes_results", lang, result=result), description,
                  {"layer": [bars, line], "resolve": {"scale": {"y": "independent"}}})


def minutes_per_result(smoothed: pd.DataFrame, lang: str) -> dict:
    """Raw and smoothed minutes per result over time (lower is better); weeks without a result leave a gap."""
    columns = ["minutes_per_result", "smoothed_minutes_per_result"]
    wide = smoothed[["week_start", *columns]].astype({c: "float64" for c in columns})
    last, lead = _lead(wide, lang)
    frame = wide.melt(id_vars="week_start", var_name="series", value_name="value")
    raw, even = t("chart.raw", lang), t("chart.smoothed", lang)
    frame["series"] = frame["series"].map({"minutes_per_result": raw, "smoothed_minutes_per_result": even})
    axis = t("chart.minutes_per_result.axis", lang)
    # The two lines differ by dash as well as colour: colour alone would not tell them apart for everyone.
    # Named "series" for the marks' own aria-labels and the tooltip; the legend needs no title.
    series = {"field": "series", "type": "nominal", "title": t("chart.series", lang), "sort": [raw, even]}
    body = {"mark": {"type": "line", "point": {"filled": True}},
            "encoding": {
                "x": _week_axis(lang), "y": {"field": "value", "type": "quantitative", "title": axis},
                "color": {**series, "scale": {"domain": [raw, even], "range": [GREY, GREEN]},
                          "legend": {"title": None, "symbolType": "stroke", "symbolStrokeWidth": 2}},
                "strokeDash": {**series, "scale": {"domain": [raw, even], "range": [[4, 3], [1, 0]]},
                               "legend": {"title": None}},
                "tooltip": [_week_tip(lang), {"field": "series", "type": "nominal", "title": t("chart.series", lang)},
                            {"field": "value", "type": "quantitative", "title": axis, "format": ".1f"}]}}
    description = t("chart.desc.minutes_per_result", lang, **lead,
                    raw=_minutes(last["minutes_per_result"], lang),
                    smoothed=_minutes(last["smoothed_minutes_per_result"], lang))
    return _chart(frame, t("chart.minutes_per_result", lang), description, body)


def sustainability(weeks: pd.DataFrame, lang: str) -> dict:
    """The sustainability index 0–100 over time."""
    frame = weeks[["week_start", "sustainability"]].astype({"sustainability": "float64"})
    last, lead = _lead(frame, lang)
    axis = t("chart.sustainability.axis", lang)
    # The line carries the figure; the pale fill under it only echoes it (so it need not reach 3:1).
    body = {"mark": {"type": "area", "color": GREEN, "opacity": 0.25, "line": {"color": GREEN}},
            "encoding": {"x": _week_axis(lang),
                         "y": {"field": "sustainability", "type": "quantitative", "title": axis,
                               "scale": {"domain": [0, 100]}},
                         "tooltip": [_week_tip(lang), {"field": "sustainability", "type": "quantitative",
                                                       "title": axis}]}}
    description = t("chart.desc.sustainability", lang, **lead, score=_points(last["sustainability"], lang))
    return _chart(frame, t("chart.sustainability", lang), description, body)


def action_mix_table(weeks: pd.DataFrame, category_names: Mapping[str, str]) -> pd.DataFrame:
    """Long table (week_start, category name, actions) from the actions_<category> columns."""
    columns = [c for c in weeks.columns if c.startswith("actions_")]
    long = weeks[["week_start", *columns]].melt(id_vars="week_start", var_name="category", value_name="actions")
    long["category"] = long["category"].str.removeprefix("actions_").map(lambda c: category_names.get(c, c))
    return long


def action_mix(weeks: pd.DataFrame, category_names: Mapping[str, str], lang: str) -> dict:
    """How the week's actions split between posts, replies, DMs, consultations and the rest."""
    frame = action_mix_table(weeks, category_names).astype({"actions": "float64"})
    last_week = frame["week_start"].max()
    shown = frame[frame["week_start"] == last_week]
    _, lead = _lead(weeks, lang)
    top = shown.sort_values("actions", ascending=False, kind="stable").iloc[0] if len(shown) else None
    # A category keeps its colour (its place in the catalog) whatever the weeks shown hold; only the categories
    # with actions in them are drawn and listed in the legend.
    order = list(dict.fromkeys([*category_names.values(), *frame["category"]]))
    done = frame.groupby("category", sort=False)["actions"].sum()
    names = [name for name in order if done.get(name, 0) > 0]
    colours = [CATEGORY_COLOURS[order.index(name) % len(CATEGORY_COLOURS)] for name in names]
    frame = frame[frame["category"].isin(names)]
    title = t("chart.category", lang)
    body = {"mark": {"type": "bar", "stroke": BACKGROUND, "strokeWidth": 1},
            "encoding": {
                "x": _week_axis(lang),
                "y": {"field": "actions", "type": "quantitative", "title": t("chart.actions", lang), "stack": "zero"},
                "color": {"field": "category", "type": "nominal", "title": title,
                          "scale": {"domain": names, "range": colours}},
                "tooltip": [{"field": "category", "type": "nominal", "title": title},
                            {"field": "actions", "type": "quantitative", "title": t("chart.actions", lang)}]}}
    if top is None or not top["actions"] > 0:
        description = t("chart.desc.action_mix.none", lang, **lead)
    else:
        description = t("chart.desc.action_mix", lang, **lead, actions=compact(shown["actions"].sum()),
                        category=top["category"], count=compact(top["actions"]))
    return _chart(frame, t("chart.action_mix", lang), description, body)


def kpi_against_target(kpi_rows: pd.DataFrame, title: str, unit: str, lang: str) -> dict:
    """One KPI's weekly value as a line with its target as a dashed rule; a band (target … target_max) as a
    shaded range between two dashed rules."""
    band = "target_max" in kpi_rows.columns and kpi_rows["target_max"].notna().any()
    columns = ["week_start", "value", "target", *(["target_max"] if band else [])]
    frame = kpi_rows[columns].astype({c: "float64" for c in columns[1:]})
    last, lead = _lead(frame, lang)

    def mean(field: str) -> dict:  # one rule for the period; the same axis title, so Vega does not merge two
        return {"field": field, "aggregate": "mean", "type": "quantitative", "title": unit}

    line = {"mark": {"type": "line", "color": GREEN, "point": {"color": GREEN, "filled": True}},
            "encoding": {"x": _week_axis(lang), "y": {"field": "value", "type": "quantitative", "title": unit},
                         "tooltip": [_week_tip(lang), {"field": "value", "type": "quantitative",
                                                       "title": t("chart.value", lang), "format": ".2f"}]}}
    target = {"mark": {"type": "rule", "color": ORANGE, "strokeDash": [6, 4], "strokeWidth": 2},
              "encoding": {"y": mean("target")}}
    goal = compact(last["target"])
    if band and not pd.isna(last["target_max"]):  # a range: "2–4", as the KPI line above the charts writes it
        goal = f"{goal}–{compact(last['target_max'])}"
    description = t("chart.desc.kpi", lang, **lead, name=title,
                    value=_in_unit(last["value"], unit, lang),
                    target=_in_unit(None if pd.isna(last["target"]) else goal, unit, lang))
    if not band:
        return _chart(frame, title, description, {"layer": [line, target]})
    # The shaded range only echoes the two dashed rules that bound it (so it need not reach 3:1).
    shaded = {"mark": {"type": "rect", "color": ORANGE, "opacity": 0.15},
              "encoding": {"y": mean("target"), "y2": {"field": "target_max", "aggregate": "mean"}}}
    high = {"mark": {"type": "rule", "color": ORANGE, "strokeDash": [6, 4], "strokeWidth": 2},
            "encoding": {"y": mean("target_max")}}
    return _chart(frame, title, description, {"layer": [shaded, line, target, high]})


def build(weeks: pd.DataFrame, smoothed: pd.DataFrame, kpi_rows: pd.DataFrame, result: str,
          kpis: Mapping[str, tuple[str, str]], category_names: Mapping[str, str], lang: str) -> dict:
    """Every dashboard chart's spec: {"minutes_results", "minutes_per_result", "sustainability", "action_mix":
    spec, "kpis": {kpi id: spec}} — a pure function of its arguments (kpis: id → (title, unit))."""
    return {
        "minutes_results": minutes_and_results(weeks, result, lang),
        "minutes_per_result": minutes_per_result(smoothed, lang),
        "sustainability": sustainability(weeks, lang),
        "action_mix": action_mix(weeks, category_names, lang),
        "kpis": {kpi_id: kpi_against_target(rows, *kpis.get(kpi_id, (kpi_id, "")), lang)
                 for kpi_id, rows in kpi_rows.groupby("id", sort=False)},
    }


def tables(weeks: pd.DataFrame, smoothed: pd.DataFrame, kpi_rows: pd.DataFrame, category_names: Mapping[str, str],
           lang: str) -> dict:
    """The figures beside each chart as a person reads them (each chart's full text alternative), keyed as `build`."""
    def kpi_table(rows: pd.DataFrame) -> pd.DataFrame:
        band = (rows["direction"] == "band").any()
        return readable(rows[["week_start", "value", "target", *(["target_max"] if band else []), "met"]], lang)

    return {
        "minutes_results": readable(weeks[["week_start", "minutes", "results"]], lang),
        "minutes_per_result": readable(smoothed[["week_start", "minutes", "results", "minutes_per_result",
                                                 "smoothed_minutes_per_result"]], lang),
        "sustainability": readable(weeks[["week_start", "sustainability", "sust_load", "sust_rhythm", "sust_rating",
                                          "sust_fatigue", "fatigue"]], lang),
        "action_mix": readable(action_mix_table(weeks, category_names), lang),
        "kpis": {kpi_id: kpi_table(rows) for kpi_id, rows in kpi_rows.groupby("id", sort=False)},
    }


def dashboard(weeks: pd.DataFrame, smoothed: pd.DataFrame, kpi_rows: pd.DataFrame, result: str,
              kpis: Mapping[str, tuple[str, str]], category_names: Mapping[str, str], lang: str) -> dict:
    """{"specs": build(…), "tables": tables(…)}: every chart of the dashboard and the table beside it."""
    return {"specs": build(weeks, smoothed, kpi_rows, result, kpis, category_names, lang),
            "tables": tables(weeks, smoothed, kpi_rows, category_names, lang)}


# Shared by every session, so the key is everything `dashboard` reads: each frame by a digest of its whole content,
# the names and the language by value. Another person's charts come back only for the very same data. An entry is
# ~40 KiB for twelve weeks (~640 KiB for ten years shown whole): 128 of them stay well under the memory budget.
_cached_dashboard = st.cache_data(show_spinner=False, max_entries=128, ttl=3600, hash_funcs=BY_CONTENT)(dashboard)


def cached_dashboard(weeks: pd.DataFrame, smoothed: pd.DataFrame, kpi_rows: pd.DataFrame, result: str,
                     kpis: Mapping[str, tuple[str, str]], category_names: Mapping[str, str], lang: str) -> dict:
    """`dashboard`, cached across sessions on its arguments' content: a rerun with the same data only draws."""
    return _cached_dashboard(weeks, smoothed, kpi_rows, result, dict(kpis), dict(category_names), lang)


def draw(container, spec: dict) -> None:
    """One chart, as wide as its container (the spec's data already Arrow bytes: nothing converted per run)."""
    container.vega_lite_chart(spec, width="stretch")
