"""Session state every page sets up for itself, backed by a workspace so nothing entered is ever lost.

Local mode (the default): one SQLite file in the user's data directory, shared by every tab and restart.
Hosted mode (KPI_COACH_HOSTED=1): a workspace in memory for this browser session only; nothing is written
to the server's disk, so one visitor never sees another's data. A demo runs in its own in-memory workspace.
Hosted with sign-in ([auth] in secrets.toml): a signed-in person's rows in the database (pages/_ui/account.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import os

import pandas as pd
import streamlit as st

from kpi_core.accounts import hosted_mode
from kpi_core.demo import demo_log, demo_plan, demo_reviews
from kpi_core.localtime import known_zone, local_today
from kpi_core.messages import DEFAULT_LANG, LANGS, t
from kpi_core.personas import default_catalog
from kpi_core.plan import DEFAULT_PERSONA, Plan, default_plan, plan_to_yaml
from kpi_core.store.workspace import UploadInfo, Workspace
from pages._ui import account
from pages._ui.markdown import literal


def hosted() -> bool:
    """True when the app runs on a shared server (a root-level secret of that name becomes this variable)."""
    return hosted_mode(os.environ)


def kept_help(lang: str) -> str:
    """How a typed text is kept, for a field's help: saved when the person leaves the field; in a hosted session
    or a demo (nothing on disk) only until the page is reloaded or closed."""
    lasting = st.session_state.account.lasting and st.session_state.get("demo") is None
    return t("kept.field" if lasting else "kept.field.session", lang)


def ensure_state() -> None:
    """Fill in whatever this visit has not set yet (plain keys survive page changes; widget keys do not)."""
    state = st.session_state
    who = account.current()
    if "ws" in state and state.account != who:  # signed in or out since the last run: nothing carries over
        _start_over()
    if "ws" not in state:
        state.account = who
        state.ws = account.open_workspace(who)
        state.demo = None
        state.own_ws = None
        _load(state.ws)
    if "lang" not in state:
        # Japanese first, whatever the browser says (a new workspace); then the language chosen last time.
        state.lang = state.plan.language if state.plan.language in LANGS else DEFAULT_LANG
    else:
        _catch_up(state.ws)
    if "define_step" not in state:  # this tab's step; a new visit reopens the one stored with the plan
        state.define_step = state.plan.define_step
    if "widget_version" not in state:
        state.widget_version = 0


def _start_over() -> None:
    """Forget this session's workspace and everything read from it; the language chosen stays."""
    state = st.session_state
    for workspace in (state.get("own_ws"), state.ws):
        if workspace is not None:
            workspace.close()
    for key in list(state.keys()):
        if key != "lang":
            del state[key]


def _checked(workspace: Workspace) -> tuple[Plan | None, dict[str, dict]]:
    """The stored plan and reviews as this version can use them: the one place pages get them from the workspace.

    A plan an upgrade made invalid, or a review text over its cap, is repaired (and saved back, after a backup)
    by the workspace; what changed is kept to be told on every page of this visit until read (show_repairs).
    """
    plan, plan_repairs = workspace.load_checked_plan(default_catalog())
    reviews, review_repairs = workspace.load_checked_reviews()
    if plan_repairs or review_repairs:
        st.session_state.repairs = [*st.session_state.get("repairs", []), *plan_repairs, *review_repairs]
    return plan, reviews


def _load(workspace: Workspace) -> None:
    state = st.session_state
    state.ws_mark = workspace.change_mark()  # taken first: a write landing while this reads is read next run
    stored, reviews = _checked(workspace)
    state.plan = stored if stored is not None else new_plan()
    state.saved_plan = plan_to_yaml(state.plan)
    state.log = workspace.load_log()
    state.reviews = reviews
    state.saved_reviews = copy.deepcopy(state.reviews)
    state.uploads = []  # FileReports of the files read in this visit, newest last
    state.seen_uploads = set()  # fingerprints of files already read, so a rerun adds nothing twice


def new_plan() -> Plan:
    """The plan of a workspace where none is saved yet."""
    catalog = default_catalog()
    return default_plan(catalog.personas[DEFAULT_PERSONA], catalog)


def _catch_up(workspace: Workspace) -> None:
    """Take in what another tab saved since this tab's last run, so saving here does not undo it.

    Anything another tab or process wrote moves the file's change mark (Workspace.change_mark): then the plan,
    the reviews and the whole log are read again (an edited row too, not only a new row count); otherwise
    nothing is read. Each run saves its own changes at its end (autosave), so at the start of a run this tab
    has nothing unsaved but a tap's callback (the tiredness answer), which ran just before: a week changed
    here and not saved yet keeps this tab's fields.
    """
    state = st.session_state
    mark = workspace.change_mark()
    if mark == state.get("ws_mark"):
        return
    state.ws_mark = mark  # taken first: a write landing while this reads is read next run
    stored, reviews = _checked(workspace)
    if stored is None and state.saved_plan != plan_to_yaml(new_plan()):
        # Deleted elsewhere ("delete all my data" in another tab): start over as a new visit would, or this
        # tab's next save would write the deleted plan back.
        stored, state.define_step = new_plan(), 0
    if stored is not None and plan_to_yaml(stored) != state.saved_plan:
        state.plan, state.saved_plan = stored, plan_to_yaml(stored)
    if reviews != state.saved_reviews:
        unsaved = {week: fields for week, fields in state.reviews.items() if state.saved_reviews.get(week) != fields}
        state.reviews = dict(sorted({**reviews, **unsaved}.items()))
        state.saved_reviews = copy.deepcopy(reviews)
    state.log = workspace.load_log()


def user_edit(key: str, value: object, current: object) -> bool:
    """True when an input's value is the person's own edit made in this tab, not just what it showed before.

    An input keeps the value it last showed; if another tab changed that field meanwhile, copying the input
    back would undo the other tab's change. Only a value that differs from what this tab last drew counts.
    """
    seen_key = f"_seen_{key}"
    last = st.session_state.get(seen_key, current)
    st.session_state[seen_key] = value
    return value != last


def refresh_widgets() -> None:
    """Make every input start again from the stored values (after another tab saved, an import, a restore…).

    A browser sends its widgets' current values with each rerun, so deleting their keys is not enough:
    new keys make new widgets, which take their value from the plan and the reviews.
    """
    st.session_state.widget_version = st.session_state.get("widget_version", 0) + 1


def widget_key(name: str) -> str:
    """The key of an input that shows stored data: `name`, renewed by refresh_widgets()."""
    version = st.session_state.get("widget_version", 0)
    return name if version == 0 else f"{name}~{version}"


def autosave() -> None:
    """Write the plan and the reviews when they changed in this run (called once at the end of a page)."""
    state = st.session_state
    text = plan_to_yaml(state.plan)
    if text != state.saved_plan:
        state.ws.save_plan(state.plan)
        state.saved_plan = text
    for week, fields in state.reviews.items():
        if state.saved_reviews.get(week) != fields:
            state.ws.save_review(week, dict(fields))
            state.saved_reviews[week] = copy.deepcopy(fields)


def add_rows(rows: pd.DataFrame, name: str, data: bytes, accepted: int, rejected: int) -> int:
    """Store one file's accepted rows; returns how many were new (the rest were already in the log)."""
    state = st.session_state
    added = state.ws.append_rows(rows, UploadInfo.of(name, data, rows_accepted=accepted, rows_rejected=rejected))
    state.log = state.ws.load_log()
    return added


def replace_log(rows: pd.DataFrame) -> None:
    """Make `rows` the whole log (a backup of the old one is taken first)."""
    state = st.session_state
    state.ws.replace_log(rows)
    state.log = state.ws.load_log()


def reload() -> None:
    """Read everything again from the workspace (after an import or a restore)."""
    _load(st.session_state.ws)
    refresh_widgets()


def start_demo(persona_id: str, on: dt.date | None = None) -> None:
    """Open a separate in-memory workspace with twelve weeks of sample data ending with the last finished week,
    so its twelfth week can be reviewed today."""
    state = st.session_state
    on = on or today()  # the person's own date: the sample ends with their last finished week
    demo = Workspace.open(":memory:")
    written = lang()  # the sample's plan, log and reviews in the language the app is shown in
    demo.save_plan(demo_plan(persona_id, end=on, lang=written))
    demo.append_rows(demo_log(persona_id, end=on, lang=written))
    for week, fields in demo_reviews(persona_id, end=on, lang=written).items():
        demo.save_review(week, fields)
    if state.demo is None:
        state.own_ws = state.ws
    else:
        state.ws.close()
    state.ws, state.demo = demo, persona_id
    _load(demo)
    refresh_widgets()


def leave_demo() -> None:
    """Close the demo and go back to the person's own data, untouched."""
    state = st.session_state
    if state.demo is None:
        return
    state.ws.close()
    state.ws, state.own_ws, state.demo = state.own_ws, None, None
    _load(state.ws)
    refresh_widgets()


def time_zone() -> str | None:
    """The browser's time zone when this system knows it; None (times then shown in UTC, labelled) otherwise."""
    return known_zone(st.context.timezone)


def today() -> dt.date:
    """Today's date where the person is (the browser's time zone; UTC when unknown): the day that decides which
    week is finished. The one clock the pages read, so a test can freeze it (monkeypatch this function)."""
    return local_today(time_zone())


def lang() -> str:
    """The language chosen for this visit."""
    return st.session_state.get("lang", DEFAULT_LANG)


def set_lang(value: str) -> None:
    """Switch the language for every page, and remember it with the plan for the next visit."""
    st.session_state.lang = value if value in LANGS else DEFAULT_LANG
    st.session_state.plan.language = st.session_state.lang


def plan() -> Plan:
    """The plan being built in this visit."""
    return st.session_state.plan


def log() -> pd.DataFrame:
    """The activity log."""
    return st.session_state.log


def touch(step: str) -> None:
    """Remember, with the plan, that the person has worked on a step of the path."""
    if step not in st.session_state.plan.steps_done:
        st.session_state.plan.steps_done.append(step)


def flash(message: str) -> None:
    """A confirmation to show on the next run (st.rerun would otherwise wipe it before it is seen).

    Plain text, not Markdown: it is escaped when shown (it may name a file or quote what a person typed).
    """
    st.session_state.flash = message


def show_repairs(lang: str) -> None:
    """Say what was changed in the stored plan and reviews so this version can use them, until the person says
    they read it."""
    repairs = st.session_state.get("repairs")
    if not repairs:
        return
    box = st.container(border=True)
    box.warning(t("repair.notice", lang) + "\n\n" + "\n".join(f"- {literal(r.message(lang))}" for r in repairs),
                icon="🛠️")
    if box.button(t("repair.ok", lang), key="repairs_ok"):
        st.session_state.repairs = []
        st.rerun()


def show_flash() -> None:
    """Show and forget the pending confirmation, if any."""
    message = st.session_state.pop("flash", None)
    if message:
        st.success(literal(message))
