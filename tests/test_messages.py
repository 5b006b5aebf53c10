"""Message catalogs: both languages have the same keys, no empty texts, the same placeholders."""

import logging
import re
import string
from pathlib import Path

import pytest

from kpi_core.messages import LANGS, catalog, has, normalize_lang, t


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_japanese_and_english_have_the_same_keys():
    assert set(catalog("ja")) == set(catalog("en"))


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_texts(lang):
    assert [k for k, v in catalog(lang).items() if not v.strip()] == []


def test_same_placeholders_in_both_languages():
    en = catalog("en")
    assert [k for k, v in catalog("ja").items() if placeholders(v) != placeholders(en[k])] == []


def test_japanese_texts_are_japanese():
    # Catches an English text pasted into the Japanese catalog.
    kana = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    exceptions = {k for k, v in catalog("ja").items() if v == catalog("en")[k]}
    # A text that is only placeholders and punctuation ("{unit}({per})") has no words to translate.
    letters = re.compile(r"[A-Za-z]")
    untranslated = [k for k, v in catalog("ja").items()
                    if not kana.search(v) and k not in exceptions and letters.search(re.sub(r"\{\w+\}", "", v))]
    assert untranslated == []


@pytest.mark.parametrize(("locale", "lang"), [("en-US", "en"), ("ja_JP.UTF-8", "ja"), ("fr-FR", "ja"), (None, "ja")])
def test_locale_normalisation(locale, lang):
    assert normalize_lang(locale) == lang


def test_placeholders_are_filled():
    assert "問い合わせ" not in t("reader.row.required_empty", "en", column="inquiries")
    assert "inquiries" in t("reader.row.required_empty", "en", column="inquiries")


# ---------------------------------------------------------------- a missing key never takes a page down


def test_a_missing_key_shows_the_key_and_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="kpi_core.messages"):
        assert t("no.such.key", "en") == "no.such.key"
        assert t("no.such.key", "ja", name="x") == "no.such.key"
    assert [r.getMessage() for r in caplog.records] == ["message key 'no.such.key' is missing in en",
                                                        "message key 'no.such.key' is missing in ja"]


@pytest.mark.parametrize("params", [{}, {"column": "x"}, {"value": "x"}])
def test_a_text_whose_placeholders_are_not_all_given_shows_the_key(params, caplog):
    # reader.row.invalid_count needs {value}: without it the text would show a raw "{value}" or raise.
    assert "{value}" in catalog("en")["reader.row.invalid_count"]
    with caplog.at_level(logging.WARNING, logger="kpi_core.messages"):
        shown = t("reader.row.invalid_count", "en", **params)
    if "value" in params:
        assert shown == catalog("en")["reader.row.invalid_count"].format(value="x") and not caplog.records
    else:
        assert shown == "reader.row.invalid_count"
        assert "'reader.row.invalid_count' in en cannot be filled" in caplog.records[0].getMessage()


def test_a_placeholder_of_the_wrong_kind_shows_the_key(caplog):
    with caplog.at_level(logging.WARNING, logger="kpi_core.messages"):
        assert t("log.upload.formats", "en", size="x", rows=1, columns=2) != "log.upload.formats"  # plain fields
    assert not caplog.records


def test_has_says_whether_a_key_exists():
    assert has("app.name", "en") and has("app.name", "ja-JP") and not has("no.such.key", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_with_a_missing_key_still_draws(lang, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KPI_COACH_WORKSPACE", str(tmp_path / "workspace.sqlite3"))
    monkeypatch.delitem(catalog(lang), "home.tagline")  # the catalog as a bad deploy might leave it
    monkeypatch.delitem(catalog(lang), "home.method")
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("app.name", lang)
    assert "home.tagline" in [m.value for m in at.markdown]
    assert [i.value for i in at.info] == ["home.method"]
