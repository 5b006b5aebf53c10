"""Altair chart specs for the dashboard, built from kpi_core's weekly tables (the only place that draws)."""

from __future__ import annotations

import unicodedata

import altair as alt
import pandas as pd

from kpi_core.messages import t

FONT = "Noto Sans CJK JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"
GREEN, ORANGE, GREY = "#2f7d6d", "#d9822b", "#8a8f8c"
TITLE_WIDTH = 36  # in half-width characters: 18 Japanese ones fit a chart on a 390 px phone screen (measured)


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


def _title(title: str) -> alt.Title:
    # "bounds": the title may use the chart's whole width, axis included (on a phone the plot alone is too narrow).
    return alt.Title(title_lines(title), anchor="start", frame="bounds")


def _base(frame: pd.DataFrame, title: str | None) -> alt.Chart:
    # Weeks as ordered ISO labels: one band per week, labels on the week's first day (a time axis picks
    # its own tick days, which fall between weeks).
    frame = frame.assign(week=pd.to_datetime(frame["week_start"]).dt.strftime("%Y-%m-%d"))
    chart = alt.Chart(frame) if title is None else alt.Chart(frame, title=_title(title))
    return chart.properties(width="container", height=220)


def _finish(chart) -> alt.Chart:
    # "fit-x" with padding keeps the 220 px for the plot itself; a legend no longer squashes it.
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding")).configure(
        font=FONT).configure_axis(labelFont=FONT, titleFont=FONT).configure_legend(
        labelFont=FONT, titleFont=FONT, orient="bottom", columns=3)


def _week_axis(lang: str) -> alt.X:
    return alt.X("week:O", title=t("chart.week", lang), sort="ascending",
                 axis=alt.Axis(labelExpr="slice(datum.label, 5)", labelAngle=0, labelOverlap=True))


def minutes_and_results(weeks: pd.DataFrame, result: str, lang: str) -> alt.LayerChart:
    """Weekly minutes as bars beside the key result (named `result`) as a line, each with its own axis."""
    frame = weeks[["week_start", "minutes", "results"]].astype({"results": "float64"})
    base = _base(frame, None)
    bars = base.mark_bar(color=GREY, opacity=0.6).encode(
        x=_week_axis(lang), y=alt.Y("minutes:Q", title=t("chart.minutes", lang)),
        tooltip=[alt.Tooltip("week:O", title=t("chart.week", lang)),
                 alt.Tooltip("minutes:Q", title=t("chart.minutes", lang))])
    line = base.mark_line(color=GREEN, point=True).encode(
        x=_week_axis(lang), y=alt.Y("results:Q", title=result),
        tooltip=[alt.Tooltip("week:O", title=t("chart.week", lang)),
                 alt.Tooltip("results:Q", title=result)])
    title = _title(t("chart.minutes_results", lang, result=result))
    return _finish(alt.layer(bars, line, title=title).resolve_scale(y="independent"))


def minutes_per_result(smoothed: pd.DataFrame, lang: str) -> alt.Chart:
    """Raw and smoothed minutes per result over time (lower is better); weeks without a result leave a gap."""
    frame = smoothed[["week_start", "minutes_per_result", "smoothed_minutes_per_result"]].melt(
        id_vars="week_start", var_name="series", value_name="value")
    frame["series"] = frame["series"].map({
        "minutes_per_result": t("chart.raw", lang), "smoothed_minutes_per_result": t("chart.smoothed", lang)})
    chart = _base(frame, t("chart.minutes_per_result", lang)).mark_line(point=True).encode(
        x=_week_axis(lang), y=alt.Y("value:Q", title=t("chart.minutes_per_result.axis", lang)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=[GREY, GREEN])),
        tooltip=[alt.Tooltip("week:O", title=t("chart.week", lang)), alt.Tooltip("series:N", title=""),
                 alt.Tooltip("value:Q", title=t("chart.minutes_per_result.axis", lang), format=".1f")])
    return _finish(chart)


def sustainability(weeks: pd.DataFrame, lang: str) -> alt.Chart:
    """The sustainability index 0–100 over time."""
    frame = weeks[["week_start", "sustainability"]].astype({"sustainability": "float64"})
    chart = _base(frame, t("chart.sustainability", lang)).mark_area(
        line={"color": GREEN}, color=GREEN, opacity=0.25).encode(
        x=_week_axis(lang),
        y=alt.Y("sustainability:Q", title=t("chart.sustainability.axis", lang), scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("week:O", title=t("chart.week", lang)),
                 alt.Tooltip("sustainability:Q", title=t("chart.sustainability.axis", lang))])
    return _finish(chart)


def action_mix_table(weeks: pd.DataFrame, category_names: dict[str, str]) -> pd.DataFrame:
    """Long table (week_start, category name, actions) from the actions_<category> columns."""
    columns = [c for c in weeks.columns if c.startswith("actions_")]
    long = weeks[["week_start", *columns]].melt(id_vars="week_start", var_name="category", value_name="actions")
    long["category"] = long["category"].str.removeprefix("actions_").map(lambda c: category_names.get(c, c))
    return long


def action_mix(weeks: pd.DataFrame, category_names: dict[str, str], lang: str) -> alt.Chart:
    """How the week's actions split between posts, replies, DMs, consultations and the rest."""
    frame = action_mix_table(weeks, category_names)
    chart = _base(frame, t("chart.action_mix", lang)).mark_bar().encode(
        x=_week_axis(lang), y=alt.Y("actions:Q", title=t("chart.actions", lang), stack="zero"),
        color=alt.Color("category:N", title=t("chart.category", lang)),
        tooltip=[alt.Tooltip("category:N", title=t("chart.category", lang)),
                 alt.Tooltip("actions:Q", title=t("chart.actions", lang))])
    return _finish(chart)


def kpi_against_target(kpi_rows: pd.DataFrame, title: str, unit: str, lang: str) -> alt.LayerChart:
    """One KPI's weekly value as a line with its target as a dashed rule; a band (target … target_max) as a
    shaded range between two dashed rules."""
    band = "target_max" in kpi_rows.columns and kpi_rows["target_max"].notna().any()
    columns = ["week_start", "value", "target", *(["target_max"] if band else [])]
    frame = kpi_rows[columns].astype({c: "float64" for c in columns[1:]})
    base = _base(frame, None)  # the title goes on the layer: on each part it would be drawn twice
    line = base.mark_line(color=GREEN, point=True).encode(
        x=_week_axis(lang), y=alt.Y("value:Q", title=unit),
        tooltip=[alt.Tooltip("week:O", title=t("chart.week", lang)),
                 alt.Tooltip("value:Q", title=t("chart.value", lang), format=".2f")])
    target = base.mark_rule(color=ORANGE, strokeDash=[6, 4]).encode(y="mean(target):Q")
    if not band:
        return _finish(alt.layer(line, target, title=_title(title)))
    shaded = base.mark_rect(color=ORANGE, opacity=0.15).encode(y="mean(target):Q", y2="mean(target_max):Q")
    high = base.mark_rule(color=ORANGE, strokeDash=[6, 4]).encode(y="mean(target_max):Q")
    return _finish(alt.layer(shaded, line, target, high, title=_title(title)))
