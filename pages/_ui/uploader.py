"""The log page's uploader: every format the reader reads, named next to it in the person's words with the limits."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from kpi_core.formats import READ_FORMATS
from kpi_core.messages import t
from kpi_core.reader import MAX_COLUMNS, MAX_ROWS

KEY = "log_uploader"


def formats_caption(lang: str) -> str:
    """「読めるファイル:Excelのファイル(.xlsx…)…1つのファイルにつき200MB、1,000,000行、200列まで読めます。」

    The size is Streamlit's own limit (`server.maxUploadSize` in .streamlit/config.toml), the rows and columns
    the reader's: the caption can never promise more than either lets through.
    """
    return t("log.upload.formats", lang, size=st.get_option("server.maxUploadSize"), rows=f"{MAX_ROWS:,}",
             columns=f"{MAX_COLUMNS:,}")


def log_uploader(lang: str) -> list[UploadedFile]:
    """The dropzone for log files (several at once), with what it reads and how much under it."""
    uploads = st.file_uploader(t("log.upload", lang), type=list(READ_FORMATS), accept_multiple_files=True,
                               help=t("log.upload.help", lang), key=KEY)
    st.caption(formats_caption(lang))
    return uploads or []
