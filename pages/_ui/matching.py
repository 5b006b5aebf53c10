"""The log page's column-matching step: a file whose headers do not name every required column shows its own
headers with example values, and a list of them for each missing item; the choice is remembered in the plan
(`Plan.column_maps`, by header signature) and used by itself for the next file with the same headers.

What is missing, the signature, whether a choice can be used and applying it are all kpi_core's
(kpi_core.matching and the reader); this module only draws them and keeps the choice.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_core.columns import CORE_OPTIONAL, INCOME, all_columns, header_index
from kpi_core.logbook import persona_columns
from kpi_core.matching import check_choice, describe
from kpi_core.messages import t
from kpi_core.personas import PersonaCatalog
from pages._ui import state
from pages._ui.markdown import literal
from pages._ui.revisions import column_labels

JUST_CHOSEN = "log_match_chosen"  # plain session key: signatures chosen in this visit ("the columns you chose")
PREVIOUS = "log_match_previous"  # plain session key: signature → the mapping being changed (the lists start there)


def _reread(name: str) -> None:
    """Forget that the file was read, so the page reads it again from the uploader (with the plan's maps)."""
    st.session_state.seen_uploads = {f for f in st.session_state.seen_uploads if f[0] != name}
    st.rerun()


def _offered(catalog: PersonaCatalog) -> set[str]:
    """The optional items worth offering: the core ones, the chosen persona's own, and income."""
    persona = catalog.personas.get(state.plan().persona_id)
    return {c.id for c in (*CORE_OPTIONAL, *(persona.columns if persona else ()), INCOME)}


def can_match(report) -> bool:
    """True when the file's only trouble is headers the reader does not know, which the step below can answer."""
    return (report.matching is not None and bool(report.matching.headers) and report.error is not None
            and report.error.code in ("error.missing_columns", "error.no_header"))


def ask(report, lang: str, catalog: PersonaCatalog) -> None:
    """The matching step for a file that could not be read by its header names (nothing when it needs none)."""
    match = report.matching
    if match is None or not match.headers:
        return
    labels = column_labels(catalog, lang)
    st.warning(t("log.match.intro", lang), icon="🧩")
    if match.guessed:
        st.caption(t("log.match.guessed", lang, row=match.header_row))
    st.dataframe(pd.DataFrame({
        t("log.match.col.header", lang): list(match.headers),
        t("log.match.col.samples", lang): [t("log.match.separator", lang).join(s) for s in match.samples],
    }), hide_index=True, width="stretch")
    previous = (st.session_state.get(PREVIOUS) or {}).get(match.signature) or {}
    headers = list(match.headers)
    choice: dict[str, str] = {}
    for field_id in match.missing:
        before = previous.get(field_id)
        chosen = st.selectbox(t("log.match.choose", lang, field=labels.get(field_id, field_id)), headers,
                              index=headers.index(before) if before in headers else None,
                              placeholder=t("log.match.placeholder", lang), key=f"log_match_{report.name}_{field_id}")
        if chosen:
            choice[field_id] = chosen
    optional = [f for f in match.optional if f in _offered(catalog)]
    if optional and set(headers) - set(match.matched.values()):  # a header left over that could be one of them
        with st.expander(t("log.match.optional", lang), expanded=any(f in previous for f in optional)):
            for field_id in optional:
                before = previous.get(field_id)
                chosen = st.selectbox(
                    t("log.match.choose", lang, field=labels.get(field_id, field_id)), [None, *headers],
                    index=headers.index(before) + 1 if before in headers else 0,
                    format_func=lambda h: t("log.match.none", lang) if h is None else h,
                    key=f"log_match_{report.name}_{field_id}")
                if chosen:
                    choice[field_id] = chosen
    if st.button(t("log.match.read", lang), type="primary", key=f"log_match_read_{report.name}"):
        index = header_index(all_columns(persona_columns(catalog)))
        problems = check_choice(match, choice, index)
        for problem in problems:
            st.error(literal(problem.message(lang)))  # quotes the file's headers
        if not problems:
            plan = state.plan()
            plan.column_maps = {**plan.column_maps, match.signature: choice}
            state.autosave()  # remembered at once, like the rows of an upload
            st.session_state[JUST_CHOSEN] = (st.session_state.get(JUST_CHOSEN) or set()) | {match.signature}
            _reread(report.name)


def show_applied(report, lang: str, catalog: PersonaCatalog) -> None:
    """Say which columns a read file's remembered (or just chosen) mapping made which items, with a way to change it."""
    match = report.matching
    if match is None or report.error is not None or not match.mapping:
        return
    pairs = describe({f: literal(h) for f, h in match.mapping.items() if h}, column_labels(catalog, lang), lang)
    just = match.signature in (st.session_state.get(JUST_CHOSEN) or set())
    st.caption(t("log.match.applied" if just else "log.match.applied_remembered", lang, pairs=pairs))
    if st.button(t("log.match.change", lang), type="tertiary", key=f"log_match_change_{report.name}"):
        st.session_state[PREVIOUS] = {**(st.session_state.get(PREVIOUS) or {}), match.signature: dict(match.mapping)}
        _forget(match.signature)
        _reread(report.name)


def _forget(signature: str) -> None:
    plan = state.plan()
    plan.column_maps = {s: m for s, m in plan.column_maps.items() if s != signature}
    state.autosave()


def show_remembered(lang: str, catalog: PersonaCatalog) -> None:
    """Every remembered mapping, each with a button that forgets it (the next such file is asked about again)."""
    maps = state.plan().column_maps
    if not maps:
        return
    labels = column_labels(catalog, lang)
    with st.expander(f"🧩 {t('log.match.remembered', lang, count=len(maps))}"):
        st.caption(t("log.match.remembered.help", lang))
        for signature, mapping in maps.items():
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.markdown(describe({f: literal(h) for f, h in mapping.items()}, labels, lang))
            if right.button(t("log.match.forget", lang), key=f"log_match_forget_{signature}", type="tertiary"):
                _forget(signature)
                state.flash(t("log.match.forgotten", lang))
                st.rerun()
