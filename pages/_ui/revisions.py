"""The log page's account of what an upload kept: rows that were already there, and rows that changed since
the last upload of the same file, with one button that does what the message says (decided in kpi_core)."""

from __future__ import annotations

import streamlit as st

from kpi_core.columns import all_columns
from kpi_core.logbook import persona_columns
from kpi_core.messages import t
from kpi_core.personas import PersonaCatalog
from kpi_core.report import column_label
from kpi_core.revisions import Revision, UploadCounts, decide, describe
from pages._ui import state
from pages._ui.markdown import literal

PENDING = "log_pending_revisions"  # plain session key: the question waits across reruns until it is answered
COUNTS = "log_upload_counts"  # what the last batch of uploads stored (an UploadCounts)
ANY_FILE = "revisions_any_file"
EXAMPLES = 3  # revisions spelled out; the count covers the rest


def compare_with_any_file(lang: str) -> bool:
    """The person's choice: look for edited rows among every earlier row, not only the same file's."""
    return st.checkbox(t("log.revisions.any_file", lang), key=ANY_FILE, help=t("log.revisions.any_file.help", lang))


def remember(found: list[Revision]) -> None:
    """Add newly found revisions to the pending ones (one per earlier row) until the person decides."""
    session = st.session_state
    pending = session.get(PENDING) or []
    known = {r.earlier_id for r in pending}
    session[PENDING] = pending + [r for r in found if r.earlier_id not in known]


def show_counts(lang: str) -> None:
    """「3行はすでに記録にあったので、そのままにしました…」 after a batch that held rows the log had."""
    counts = st.session_state.get(COUNTS)
    message = counts.message(lang) if isinstance(counts, UploadCounts) else None
    if message:
        st.info(message, icon="♻️")


def column_labels(catalog: PersonaCatalog, lang: str) -> dict[str, str]:
    """Every log column's name in `lang`: the catalog's name, else the persona template's header."""
    labels = {}
    for column in all_columns(persona_columns(catalog)):
        label = column_label(column.id, lang)
        labels[column.id] = column.header(lang) if label == column.id else label
    return labels


def show(lang: str, catalog: PersonaCatalog) -> None:
    """Say what keeping the new versions will do, with the button that does it (and a quiet "keep both")."""
    session = st.session_state
    if not session.get(PENDING):
        return
    # Decided on every run: another tab, an edit or a restore may have changed the rows since.
    replacement = decide(session[PENDING], session.ws.load_log(with_ids=True))
    session[PENDING] = list(replacement.revisions)
    if not replacement.remove:
        return
    labels = column_labels(catalog, lang)
    with st.container(border=True):
        st.warning(replacement.question(lang), icon="🔁")
        lines = [f"- {literal(describe(r, lang, labels))}" for r in replacement.revisions[:EXAMPLES]]
        if len(replacement.revisions) > EXAMPLES:
            lines.append(f"- {t('log.revisions.more', lang, count=len(replacement.revisions) - EXAMPLES)}")
        st.markdown("\n".join(lines))
        st.caption(t("log.revisions.backup", lang))
        if st.button(t("log.revisions.replace", lang), type="primary", key="revisions_replace"):
            removed = session.ws.delete_rows(replacement.remove, backup=replacement.backup)
            session.log = session.ws.load_log()
            session[PENDING] = []
            state.flash(replacement.done(lang, removed))
            st.rerun()
        if st.button(t("log.revisions.keep", lang), type="tertiary", key="revisions_keep"):
            session[PENDING] = []
            state.flash(t("log.revisions.kept", lang))
            st.rerun()
