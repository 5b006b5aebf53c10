"""The data page's last section: delete every row of this person's data, after a last backup is offered."""

from __future__ import annotations

import streamlit as st

from kpi_core.accounts import SIGNED_IN
from kpi_core.messages import t
from pages._ui import backup, signin, state


def section(lang: str) -> None:
    """Shown for the person's own data in every mode (not in a demo, whose sample is not theirs): locally it
    empties this computer's file, signed in it removes the account's rows from the database, for a guest it
    clears the session now rather than when the tab closes — one flow, so what it promises is the same."""
    session = st.session_state
    if session.demo is not None:
        return
    signed_in = session.account.mode == SIGNED_IN
    st.header(t("account.erase", lang))
    erased = session.get("erased")
    if erased is not None and not signin.has_entries():  # said until something is entered again
        # The records the person knows of, not the store's internal rows (columns, the person's own row).
        st.success(t("account.erase.done", lang, rows=erased.get("log_rows", 0)))
        if signed_in:  # nothing of theirs is left here: leaving is the likely next step
            st.caption(t("account.erase.signout", lang))
            signin.sign_out_button(lang, "erase_signout")
        return
    session.pop("erased", None)
    st.caption(t("account.erase.help.signed_in" if signed_in else "account.erase.help.hosted" if state.hosted()
                 else "account.erase.help.local", lang))
    workspace = session.ws
    backup.download(t("account.erase.backup", lang), workspace, "erase_backup")
    # A fresh box after each deletion: a tick given once never carries over to the next one.
    sure = st.checkbox(t("account.erase.confirm", lang), key=f"erase_sure_{session.get('erasures', 0)}")
    if st.button(t("account.erase.button", lang), disabled=not sure, key="erase_go", type="primary",
                 icon=":material/delete_forever:"):
        session.erasures = session.get("erasures", 0) + 1
        erased = workspace.delete_everything()  # every row of this owner, backups too; nobody else's
        state.reload()
        session.erased, session.define_step = erased, 0  # the define page starts at its first step again
        st.rerun()
