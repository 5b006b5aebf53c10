"""Message catalogs: both languages have the same keys, no empty texts, the same placeholders."""

import re
import string

import pytest

from kpi_core.messages import LANGS, catalog, normalize_lang, t


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
