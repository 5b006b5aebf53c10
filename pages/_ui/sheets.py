"""The log page's workbook parts: which sheet was read, and a choice when several sheets look like a log."""

from __future__ import annotations

import streamlit as st

from kpi_core.messages import t
from pages._ui.markdown import literal

CHOSEN = "log_chosen_sheets"  # plain session key: file name → the sheet the person picked (survives page changes)
FORMAT_NAMES = {"xlsx": "Excel (.xlsx)", "xlsm": "Excel (.xlsm)", "xls": "Excel 97-2003 (.xls)",
                "ods": "OpenDocument (.ods)"}


def chosen(name: str) -> str | None:
    """The sheet the person picked for the file `name`, if they did."""
    return (st.session_state.get(CHOSEN) or {}).get(name)


def show_sheet(report, lang: str) -> None:
    """Say which sheet of a workbook was read (in place of a CSV's encoding and separator)."""
    st.caption(t("log.sheet.read_from", lang, sheet=literal(report.sheet),
                 format=FORMAT_NAMES.get(report.encoding, report.encoding)))


def ask_sheet(report, lang: str) -> None:
    """For a workbook with several log-like sheets: a list of them and a button that reads the chosen one."""
    if not report.sheets:
        return
    choice = st.selectbox(t("log.sheet.choose", lang), report.sheets, key=f"log_sheet_{report.name}")
    if st.button(t("log.sheet.read", lang), key=f"log_sheet_read_{report.name}", type="primary"):
        st.session_state[CHOSEN] = {**(st.session_state.get(CHOSEN) or {}), report.name: choice}
        # Forget that the file was read, so the page reads it again (from the uploader) with the chosen sheet.
        st.session_state.seen_uploads = {f for f in st.session_state.seen_uploads if f[0] != report.name}
        st.rerun()
