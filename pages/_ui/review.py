"""Parts of the weekly review: the two weeks side by side, the tiredness question, coaching and checkpoint cards."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_core.bounds import REVIEW_TEXT_LIMITS
from kpi_core.coaching import CoachingMessage
from kpi_core.cycle import REFLECTION_FIELDS, Checkpoint
from kpi_core.messages import t
from kpi_core.report import column_label, fatigue_answers
from kpi_core.sustainability import FATIGUE_LEVELS
from pages._ui import state
from pages._ui.markdown import literal
from pages._ui.tables import readable

COMPARED = ("minutes", "actions", "reactions", "results", "minutes_per_result", "quality_mean", "sustainability",
            "fatigue")
ICONS = {"warning": "⚠️", "praise": "🌟", "info": "💡"}


def compare_weeks(this: pd.Series, previous: pd.Series | None, lang: str) -> None:
    """This week's figures beside the week before's."""
    table = pd.DataFrame({
        t("review.col.figure", lang): [column_label(c, lang) for c in COMPARED],
        t("review.col.previous", lang): [None if previous is None else previous.get(c) for c in COMPARED],
        t("review.col.this", lang): [this.get(c) for c in COMPARED],
    })
    for column in table.columns[1:]:
        table[column] = table[column].map(lambda v: "—" if v is None or pd.isna(v) else f"{float(v):.1f}")
    # The tiredness answer is a whole 1–5, shown as given.
    table.iloc[COMPARED.index("fatigue"), 1:] = table.iloc[COMPARED.index("fatigue"), 1:].str.removesuffix(".0")
    st.dataframe(table, hide_index=True, width="stretch")


def _keep_fatigue(week_iso: str, key: str) -> None:
    """Store the tapped tiredness answer (None: tapped again, cleared) before the page reruns, so the index and
    the coaching of that run already count it. A callback runs only for this tab's own tap."""
    reviews = st.session_state.reviews
    fields = dict(reviews.get(week_iso, {}))
    answer = st.session_state[key]
    if answer is None:
        fields.pop("fatigue", None)
    else:
        fields["fatigue"] = int(answer)
    if fields or week_iso in reviews:  # choosing nothing stores nothing
        reviews[week_iso] = fields


def fatigue_question(week_iso: str, lang: str) -> None:
    """How tired this week: optional, one tap, tapped again to clear; kept with the week's review."""
    stored = next(iter(fatigue_answers({week_iso: st.session_state.reviews.get(week_iso, {})}).values()), None)
    key = state.widget_key(f"review_fatigue_{week_iso}")
    st.pills(t("review.fatigue", lang), list(FATIGUE_LEVELS), default=stored, key=key,
             format_func=lambda level: t(f"review.fatigue.{level}", lang), help=t("review.fatigue.help", lang),
             on_change=_keep_fatigue, args=(week_iso, key))


def coaching_cards(messages: list[CoachingMessage], lang: str) -> None:
    """Each message with its title, the weeks and figures it quotes, and the next step."""
    if not messages:
        st.caption(t("review.no_coaching", lang))
    for message in messages:
        with st.container(border=True):
            st.markdown(f"{ICONS.get(message.severity, '💡')} **{literal(message.title(lang))}**")
            st.markdown(literal(message.message(lang)))  # may quote a file's column names
            if message.evidence:  # the weeks the message speaks of, with the very figures it quotes
                st.dataframe(pd.DataFrame(message.evidence_table(lang)), hide_index=True, width="stretch")
            st.caption(literal(t("review.next_step", lang, text=message.next_step(lang))))


def checkpoint_card(point: Checkpoint, lang: str) -> None:
    """Weeks 4 and 8: what changed since the cycle began, with the reflections written on the way."""
    with st.container(border=True):
        st.markdown(f"**{point.title(lang)}**")
        st.caption(point.compared(lang))
        st.dataframe(readable(pd.DataFrame({
            t("review.col.figure", lang): [c.label(lang) for c in point.changes],
            t("review.col.start", lang): [c.start for c in point.changes],
            t("review.col.now", lang): [c.now for c in point.changes],
        }), lang), hide_index=True, width="stretch")
        for reflection_week, fields in point.reflections:
            said = " / ".join(str(v) for k, v in fields.items() if k in REFLECTION_FIELDS and str(v).strip())
            if said:
                st.caption(f"{reflection_week.isoformat()}: {literal(said)}")


def reflection_fields(saved: dict, week_iso: str, fields, prefix: str, lang: str, **options) -> dict[str, str]:
    """The week's reflection text areas (the review's and the check-in's), each copied into `saved` when the
    person edited it in this tab; `saved` is kept with the week's review once anything is written. Returns
    what each field shows."""
    values = {}
    for field in fields:
        values[field] = st.text_area(
            t(f"review.field.{field}", lang), value=saved.get(field, ""), max_chars=REVIEW_TEXT_LIMITS[field],
            placeholder=t(f"review.field.{field}.placeholder", lang), help=state.kept_help(lang),
            key=state.widget_key(f"{prefix}_{field}_{week_iso}"), **options)
        if state.user_edit(f"{prefix}_{field}_{week_iso}", values[field], saved.get(field, "")):
            saved[field] = values[field]
    reviews = st.session_state.reviews
    if week_iso in reviews or any(str(v).strip() for v in saved.values()):
        reviews[week_iso] = saved
    return values
