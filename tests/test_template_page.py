"""AppTest: the template workbook uploaded as downloaded adds nothing, and the log page says why."""

import datetime as dt

import pytest

from kpi_core.export_xlsx import template_xlsx_bytes
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from tests.test_pages import clean_caches, open_page  # noqa: F401  (the autouse fixture too)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_templates_example_row_is_left_out_and_said_so(lang):
    book = template_xlsx_bytes(default_catalog().template_columns("homemaker"), lang, today=dt.date(2025, 1, 6))
    at = open_page("log", lang)
    at.get("file_uploader")[0].upload("template.xlsx", book,
                                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("log.example_row", lang) in [i.value for i in at.info]
    assert len(at.session_state["log"]) == 0
