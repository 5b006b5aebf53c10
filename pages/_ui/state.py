"""Session state every page sets up for itself, so any page can be the first one opened."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_core.messages import DEFAULT_LANG, LANGS, normalize_lang
from kpi_core.personas import default_catalog
from kpi_core.plan import Plan, default_plan
from kpi_core.reader import empty_log


def ensure_state() -> None:
    """Fill in whatever this visit has not set yet (plain keys survive page changes; widget keys do not)."""
    state = st.session_state
    if "lang" not in state:
        state.lang = _browser_lang()
    if "plan" not in state:
        catalog = default_catalog()
        state.plan = default_plan(catalog.personas["office_worker"], catalog)
        state.plan_touched = set()  # path steps the person has worked on: define, persona
    if "log" not in state:
        state.log = empty_log()
        state.uploads = []  # FileReports of every file read this visit, newest last
        state.seen_uploads = set()  # (name, size, hash) of files already merged, so reruns add nothing twice
    if "reviews" not in state:
        state.reviews = {}  # week start (ISO) -> reflection fields
    if "define_step" not in state:
        state.define_step = 0


def _browser_lang() -> str:
    try:
        locale = st.context.locale
    except Exception:  # older Streamlit or a test context without a browser
        locale = None
    return normalize_lang(locale) if locale else DEFAULT_LANG


def lang() -> str:
    """The language chosen for this visit."""
    return st.session_state.get("lang", DEFAULT_LANG)


def set_lang(value: str) -> None:
    """Switch the language for every page of this visit."""
    st.session_state.lang = value if value in LANGS else DEFAULT_LANG


def plan() -> Plan:
    """The plan being built in this visit."""
    return st.session_state.plan


def log() -> pd.DataFrame:
    """The merged activity log of this visit."""
    return st.session_state.log


def touch(step: str) -> None:
    """Remember that the person has worked on a step of the path."""
    st.session_state.plan_touched.add(step)
