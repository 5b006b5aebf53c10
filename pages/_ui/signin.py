"""Sign-in and sign-out at the foot of every page, and a guest's data carried into the account after signing in."""

from __future__ import annotations

import streamlit as st

from kpi_core.accounts import LOCAL, SIGNED_IN, entered_anything, provider_name
from kpi_core.messages import t
from kpi_core.store.workspace import WorkspaceError
from pages._ui import backup, state, visit
from pages._ui.markdown import literal


def foot(lang: str) -> None:
    """Where the data stays, said on every page; a guest's sign-in buttons, a signed-in person's sign-out."""
    account = st.session_state.account
    if account.mode == LOCAL:
        st.caption(t("nav.privacy", lang))
    elif account.mode == SIGNED_IN:
        person = account.person
        st.caption(t("account.privacy", lang, name=literal(person.name or person.subject)))
        sign_out_button(lang, "signout")
    else:
        st.caption(t("nav.privacy.hosted", lang))
        if account.no_database:
            st.caption(t("account.no_database", lang))
        elif account.providers:
            _sign_in(lang, account.providers)


def sign_out_button(lang: str, key: str) -> None:
    """Sign out: what this run changed is saved, then the identity cookie goes and a new (guest) session starts."""
    if st.button(t("account.signout", lang), key=key, icon=":material/logout:"):
        state.autosave()
        st.logout()
        st.stop()


def _sign_in(lang: str, providers: tuple[str, ...]) -> None:
    # st.login leaves for the provider's page and comes back in a new session: a guest's workspace, kept in this
    # session's memory, does not come along. So whoever has entered something gets its backup first.
    box = st.container(border=True)
    own = _own_workspace()
    if has_entries():
        box.warning(t("account.signin.backup_first", lang))
        backup.download(t("account.signin.backup", lang), own, "signin_backup", where=box)
    else:
        box.caption(t("account.signin.why", lang))
    with box.container(horizontal=True):
        for provider in providers:
            name = provider_name(provider)
            if st.button(t("account.signin", lang) if name is None else t("account.signin.with", lang, name=name),
                         key=f"signin_{provider}", icon=":material/login:"):
                state.autosave()
                st.login(provider)


def carry_over(lang: str) -> None:
    """On home, while a signed-in person's account is still empty: one tap brings in the backup they downloaded
    as a guest (the same import as on the data page, into an empty account, so nothing there is replaced)."""
    session = st.session_state
    if session.account.mode != SIGNED_IN or session.demo is not None or has_entries():
        return
    box = st.container(border=True)
    box.markdown(f"**{t('account.carry.title', lang)}**")
    with box:
        upload = st.file_uploader(t("account.carry.file", lang), type=["zip"], help=t("account.carry.help", lang),
                                  key=f"carry_zip_{session.get('imports_done', 0)}")
        read = visit.read_once(upload, lang)
        if read is None:
            return
        preview = session.ws.preview_import(read)
        if not preview.ok:  # the lines quote the file: its member names, texts, headers and cells
            for line in preview.lines(lang):
                st.error(literal(line))
            return
        try:
            session.ws.import_zip(read, mode="merge")
        except WorkspaceError as error:
            st.error(literal(error.message(lang)))
            return
    session.imports_done = session.get("imports_done", 0) + 1
    state.reload()
    state.set_lang(lang)  # the language is this person's choice now, not the file's
    state.flash(t("account.carry.done", lang))
    st.rerun()


def _own_workspace():
    """The person's own workspace, also while a demo is open."""
    session = st.session_state
    return session.ws if session.demo is None else session.own_ws


def has_entries() -> bool:
    """True when the person's own workspace holds something they entered (a demo's sample does not count)."""
    session = st.session_state
    fresh = state.new_plan()
    if session.demo is None:
        return entered_anything(session.plan, fresh, session.log, session.reviews)
    own = session.own_ws
    return entered_anything(own.load_plan() or fresh, fresh, own.load_log(), own.load_reviews())
