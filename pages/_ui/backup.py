"""The backup download, offered on the data page, before deleting everything and before a guest signs in."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi_core.store.workspace import Workspace


def download(label: str, workspace: Workspace, key: str, *, where=st, primary: bool = False) -> None:
    """A button that downloads the workspace's export zip, named with today's date. The zip is built only when
    the button is pressed (a callable): ten years of logs take about a second."""
    where.download_button(label, workspace.export_zip, file_name=f"kpi-coach-{dt.date.today().isoformat()}.zip",
                          mime="application/zip", key=key, type="primary" if primary else "secondary",
                          icon=None if primary else ":material/download:")
