"""Who this visit belongs to (st.user, st.secrets) and the workspace that holds their data."""

from __future__ import annotations

import os
from collections.abc import Mapping

import sqlalchemy as sa
import streamlit as st

from kpi_core.accounts import LOCAL, SIGNED_IN, Account, decide, hosted_mode, person_from_claims
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.store.engines import database_url
from kpi_core.store.workspace import Workspace, default_workspace_path


def secrets() -> Mapping:
    """The server's secrets, or nothing when it has no secrets.toml (reading st.secrets then would raise)."""
    return st.secrets if st.secrets.load_if_toml_exists() else {}


def claims() -> Mapping[str, object]:
    """What the identity cookie says about this browser (st.user), the one place it is read."""
    return st.user.to_dict()


def current() -> Account:
    """This visit's account as the server's settings and the identity cookie make it, read on every run: a
    session that signed in or out in the meantime gets its own workspace (state.ensure_state)."""
    if not hosted_mode(os.environ):
        return Account(LOCAL)
    found = secrets()
    auth = found.get("auth")
    return decide(True, auth if isinstance(auth, Mapping) else None, database_url(os.environ, found),
                  person_from_claims(claims()))


def open_workspace(account: Account) -> Workspace:
    """The workspace of `account`: this computer's file, a session's memory, or the person's rows in the
    database (one pooled engine per URL, shared by every session of the process)."""
    if account.mode == LOCAL:
        return Workspace.open(default_workspace_path())
    if account.mode == SIGNED_IN:
        try:
            return Workspace.open(account.database_url, owner=account.person.owner)
        except sa.exc.OperationalError:  # the database is down or unreachable: say so rather than a traceback
            st.error(t("account.database_down", st.session_state.get("lang", DEFAULT_LANG)), icon="🛑")
            st.stop()
    return Workspace.open(":memory:")
