"""What one visit sends: uploads counted and capped in hosted mode, and an import zip read once per upload."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from kpi_core import bounds
from kpi_core.bounds import VisitUploads
from kpi_core.messages import t
from kpi_core.store.workspace import ImportFile, read_import
from pages._ui import state
from pages._ui.markdown import literal

COUNT = "visit_uploads"  # session key: the VisitUploads of this visit
IMPORT = "import_read"  # session key: (the upload's identity, its ImportFile)


def admit(name: str, size: int, lang: str) -> bool:
    """True when the file may be read; in hosted mode it is then counted, and once the visit's caps
    (kpi_core.bounds.MAX_VISIT_FILES, MAX_VISIT_BYTES) would be passed it is refused with a message instead."""
    if not state.hosted():
        return True
    count = st.session_state.get(COUNT, VisitUploads())
    if not count.admits(size):
        st.error(t("upload.visit_full", lang, files=bounds.MAX_VISIT_FILES,
                   megabytes=bounds.MAX_VISIT_BYTES // 2**20, name=literal(name)), icon="🛑")
        return False
    st.session_state[COUNT] = count.plus(size)
    return True


def read_once(upload: UploadedFile | None, lang: str) -> ImportFile | None:
    """The import zip in the uploader, read (unzipped, checked) once per upload and kept for this visit's
    reruns; None when there is none, or when the visit's upload caps refuse it (said)."""
    if upload is None:
        st.session_state.pop(IMPORT, None)  # the file was removed: let its content go
        return None
    # The uploader's file id is new for each upload, even of the same file: kept per session, never shared.
    identity = (upload.file_id, upload.name, upload.size)
    kept = st.session_state.get(IMPORT)
    if kept is not None and kept[0] == identity:
        return kept[1]
    st.session_state.pop(IMPORT, None)
    if not admit(upload.name, upload.size, lang):
        return None
    read = read_import(upload.getvalue())
    st.session_state[IMPORT] = (identity, read)
    return read
