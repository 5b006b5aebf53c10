"""The persona page's template downloads: the header row as CSV, or as an Excel workbook with an example row
and the 1–5 rubric on its own sheet (written by kpi_core; this module only offers the files)."""

from __future__ import annotations

import streamlit as st

from kpi_core.export import template_csv_bytes
from kpi_core.export_xlsx import template_xlsx_bytes
from kpi_core.messages import LANGS, t
from kpi_core.personas import PersonaCatalog

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_downloads(lang: str, catalog: PersonaCatalog, persona_id: str) -> None:
    """The header language, then the two downloads side by side (stacked on a phone)."""
    st.header(t("persona.template", lang))
    st.caption(t("persona.template.help", lang))
    # The headers in the language the app is shown in, unless the person picks the other one (the key follows
    # the app's language, so switching it starts again from its own).
    header_lang = st.radio(t("persona.template.lang", lang), list(LANGS), index=LANGS.index(lang), horizontal=True,
                           key=f"template_lang_{lang}",
                           format_func=lambda code: t(f"persona.template.lang.{code}", lang))
    columns = catalog.template_columns(persona_id)
    name = f"activity_log_{persona_id}_{header_lang}"
    left, right = st.columns(2)
    # Callables: a file is built when its button is pressed, not on every rerun of the page.
    left.download_button(t("persona.template.download_xlsx", lang), lambda: template_xlsx_bytes(columns, header_lang),
                         file_name=f"{name}.xlsx", mime=XLSX_MIME, key="template_download_xlsx", type="primary",
                         width="stretch")
    right.download_button(t("persona.template.download", lang), lambda: template_csv_bytes(columns, header_lang),
                          file_name=f"{name}.csv", mime="text/csv", key="template_download", width="stretch")
    st.caption(t("rubric.short", lang))  # beside the templates, not inside the CSV: there it would be a row
