"""Shipped persona files are complete and consistent; broken persona files give readable problems."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

import personas
from kpi_core.columns import CORE_OPTIONAL, INCOME, REQUIRED
from kpi_core.messages import LANGS
from kpi_core.personas import (
    DERIVED_COLUMNS,
    Formula,
    Part,
    PersonaCatalog,
    default_catalog,
    load_catalog,
    load_personas,
    parse_persona,
)

SHIPPED = personas.directory()
PERSONA_FILES = sorted(p.name for p in SHIPPED.glob("*.yaml") if p.name != "core.yaml")
LOCALES = Path(__file__).resolve().parents[1] / "kpi_core" / "locales"


@pytest.fixture(scope="module")
def catalog() -> PersonaCatalog:
    loaded, problems = load_catalog()
    assert [p.message("en") for p in problems] == []
    return loaded


def _texts_complete(text: dict) -> bool:
    return all(isinstance(text.get(lang), str) and text[lang].strip() for lang in LANGS)


# ---------------------------------------------------------------- the shipped files


def test_the_four_personas_are_shipped_in_order(catalog):
    assert list(catalog.personas) == ["office_worker", "homemaker", "student", "freelancer"]
    assert sorted(PERSONA_FILES) == sorted(f"{pid}.yaml" for pid in catalog.personas)


def test_default_catalog_is_the_shipped_one(catalog):
    assert default_catalog() == catalog
    assert default_catalog() is default_catalog()  # cached


@pytest.mark.parametrize("file_name", PERSONA_FILES)
def test_shipped_persona_file_is_consistent(catalog, file_name):
    raw = yaml.safe_load((SHIPPED / file_name).read_text(encoding="utf-8"))
    persona = catalog.personas[raw["id"]]
    assert file_name == f"{persona.id}.yaml"
    assert 3 <= len(persona.kpis) <= 5
    assert len(raw["kpis"]) == len(persona.kpis)  # none dropped on the way
    template = {c.id for c in catalog.template_columns(persona.id)}
    declared = {c.id for c in catalog.categories}
    for text in (persona.name, persona.fits, persona.strength, persona.constraint, persona.cadence):
        assert _texts_complete(text)
    assert persona.weekly_budget_minutes > 0
    for column in persona.columns:
        assert column.ja.strip() and column.en.strip()
    for kpi in persona.kpis + tuple(catalog.kpi(k) for k in persona.core_kpis):
        for text in (kpi.name, kpi.measures, kpi.why, kpi.unit):
            assert _texts_complete(text), kpi.id
        assert kpi.direction in ("higher", "lower", "band")
        assert kpi.formula.period in ("week", "month")
        assert kpi.target >= 0
        if kpi.direction == "band":
            assert kpi.target_max is not None and kpi.target_max >= kpi.target, kpi.id
        else:
            assert kpi.target_max is None, kpi.id
        # A ratio says what it divides by, and only a ratio does.
        assert (kpi.per is not None) == (kpi.formula.denominator is not None), kpi.id
        if kpi.per is not None:
            assert _texts_complete(kpi.per), kpi.id
            for lang in LANGS:
                assert kpi.per[lang] in kpi.unit_text(lang)
        for part in filter(None, (kpi.formula.numerator, kpi.formula.denominator)):
            if part.kind == "sum":
                assert part.column in template or (
                    part.column in DERIVED_COLUMNS and DERIVED_COLUMNS[part.column] in template
                ), (kpi.id, part.column)
            else:
                assert part.kind == "count"
            assert set(part.categories) <= declared, (kpi.id, part.categories)
    counts = {c.id for c in catalog.template_columns(persona.id) if c.kind == "count"} - {"reactions"}
    for signal in catalog.value_signals(persona.id):
        assert signal in counts or DERIVED_COLUMNS.get(signal) in template, signal
    assert persona.key_result in (*catalog.value_signals(persona.id), "value_signals")
    assert _texts_complete(persona.key_result_why)


def test_core_declarations(catalog):
    ids = {c.id for c in catalog.categories}
    assert {"post", "reply", "dm", "consultation", "learning", "live", "other"} <= ids
    for category in catalog.categories:
        assert _texts_complete(category.name)
        assert category.aliases
    assert {k.id for k in catalog.core_kpis} == {
        "inquiry_rate", "repeat_consultation_rate", "referrals_per_month", "solved_signals_per_week",
        "thanks_per_week",
    }
    assert all(k.core for k in catalog.core_kpis)
    assert catalog.kpi("solved_signals_per_week").formula.numerator.column == "solved_signals"
    rate = catalog.kpi("inquiry_rate")
    # Inquiries per 100 direct reactions over the last four weeks: of the people who reacted, how many asked.
    assert rate.formula == Formula(Part("sum", "inquiries"), Part("sum", "reactions"), 100.0, "month")
    assert (rate.direction, rate.target, rate.target_max) == ("higher", 3.0, None)
    assert rate.unit_text("ja") == "件(直接反応100件あたり)"
    assert rate.unit_text("en") == "inquiries per 100 direct reactions"
    assert catalog.core_signals == (
        "inquiries", "consultations", "repeat_consultations", "referrals", "thanks", "solved_signals")
    assert catalog.not_summed == ("repeat_consultations",)
    for phrase in ("悩みが解決", "行動を起こせた", "結果が出た"):
        assert phrase in catalog.solved_phrases["ja"]
    for phrase in ("problem solved", "took action", "got results"):
        assert phrase in catalog.solved_phrases["en"]


def test_template_columns_are_required_core_then_persona(catalog):
    columns = catalog.template_columns("office_worker")
    assert columns[: len(REQUIRED) + len(CORE_OPTIONAL)] == REQUIRED + CORE_OPTIONAL
    assert [c.id for c in columns[len(REQUIRED) + len(CORE_OPTIONAL):]] == ["deep_questions", "income"]
    student = [c.id for c in catalog.template_columns("student")]
    assert {"learning_reports", "failure_shares", "peer_advice_requests"} <= set(student)
    assert catalog.template_columns("nobody") == REQUIRED + CORE_OPTIONAL + (INCOME,)


def test_kpi_lookup(catalog):
    assert catalog.kpi("inquiry_rate", "office_worker").core
    posts = catalog.kpi("value_posts_per_week", "office_worker")
    # Two to four a week: daily posting is the problem the office-worker story fixes, not "more is better".
    assert (posts.direction, posts.target, posts.target_max) == ("band", 2.0, 4.0)
    assert catalog.kpi("value_posts_per_week", "homemaker") is None  # not that persona's
    assert catalog.kpi("value_posts_per_week") is not None
    assert catalog.kpi("no_such_kpi") is None
    office = [k.id for k in catalog.available_kpis("office_worker")]
    assert office[:3] == ["value_posts_per_week", "deep_questions_per_post", "consultations_per_month"]
    assert "thanks_per_week" in office


CORE_SIGNALS = ("inquiries", "consultations", "repeat_consultations", "referrals", "thanks", "solved_signals")


@pytest.mark.parametrize("persona_id, own, every, key_result", [
    ("office_worker", ("deep_questions", "consultations"), CORE_SIGNALS + ("deep_questions",), "inquiries"),
    ("homemaker", ("thanks", "conversations", "practice_reports"), CORE_SIGNALS + ("conversations", "practice_reports"),
     "value_signals"),
    ("student", ("peer_advice_requests",), CORE_SIGNALS + ("peer_advice_requests",), "peer_advice_requests"),
    ("freelancer", ("client_results", "industry_referrals"), CORE_SIGNALS + ("client_results", "industry_referrals"),
     "client_results"),
])
def test_each_persona_declares_its_value_signals_and_result(catalog, persona_id, own, every, key_result):
    persona = catalog.personas[persona_id]
    assert persona.value_signals == own
    assert catalog.value_signals(persona_id) == every  # core first, then the persona's own, each once
    assert persona.key_result == key_result
    assert _texts_complete(persona.key_result_why)


def test_value_signals_of_an_unknown_persona_are_the_core_ones(catalog):
    assert catalog.value_signals("astronaut") == CORE_SIGNALS
    assert catalog.value_signals(None) == CORE_SIGNALS


@pytest.mark.parametrize("kpi_id, ja, en", [
    ("inquiry_rate", "件(直接反応100件あたり)", "inquiries per 100 direct reactions"),
    ("repeat_consultation_rate", "%(相談全体に占める割合)", "% of all consultations"),
    ("deep_questions_per_post", "件(投稿1件あたり)", "questions per post"),
    ("solution_post_reaction_rate", "件(投稿1件あたり)", "reactions per post"),
    ("failure_share_rate", "%(投稿全体に占める割合)", "% of all posts"),
    ("thanks_per_week", "件/週", "per week"),  # no denominator: the unit alone
])
def test_unit_text_says_what_a_rate_divides_by(catalog, kpi_id, ja, en):
    kpi = catalog.kpi(kpi_id)
    assert (kpi.unit_text("ja"), kpi.unit_text("en")) == (ja, en)


@pytest.mark.parametrize("action, category", [
    ("投稿", "post"), ("ポスト", "post"), ("post", "post"), ("Post ", "post"), ("ＰＯＳＴ", "post"),
    ("Xに投稿", "post"), ("tweet", "post"), ("note記事", "post"),
    ("返信", "reply"), ("リプ", "reply"), ("コメント返信", "reply"), ("reply", "reply"),
    ("DM", "dm"), ("ダイレクトメッセージ", "dm"), ("dm", "dm"),
    ("個別相談", "consultation"), ("相談対応", "consultation"),
    ("学習", "learning"), ("勉強", "learning"), ("ライブ配信", "live"), ("インスタライブ", "live"),
    ("事例紹介の投稿", "case_study"),
    ("admin work", "other"),  # "dm" inside a word is not a DM
    ("散歩", "other"), ("", "other"),
])
def test_category_of(catalog, action, category):
    assert catalog.category_of(action) == category
    assert catalog.category_of(action) == category  # the cached answer is the same


def test_every_alias_maps_to_its_own_category(catalog):
    for category in catalog.categories:
        for spelling in (category.id, category.name["ja"], category.name["en"], *category.aliases):
            assert catalog.category_of(spelling) == category.id, spelling


def test_default_catalog_refuses_broken_shipped_files(monkeypatch, tmp_path):
    import kpi_core.personas as module

    _write(tmp_path, "office_worker.yaml", "id: [")
    monkeypatch.setattr(module, "load_catalog", lambda: load_catalog(tmp_path))
    with pytest.raises(module.PersonaFileError, match="office_worker.yaml"):
        module.default_catalog.__wrapped__()


def test_category_of_is_fast_for_many_distinct_actions(catalog):
    import time

    actions = [f"投稿 その{i}" for i in range(5000)]
    start = time.perf_counter()
    assert {catalog.category_of(a) for a in actions} == {"post"}
    assert time.perf_counter() - start < 2.0


# ---------------------------------------------------------------- broken persona files


def _shipped(name: str = "office_worker") -> dict:
    return yaml.safe_load((SHIPPED / f"{name}.yaml").read_text(encoding="utf-8"))


def _write(folder: Path, name: str, data: dict | str) -> None:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (folder / name).write_text(text, encoding="utf-8")


def _set(data: dict, path: tuple, value) -> dict:
    *head, last = path
    for key in head:
        data = data[key]
    data[last] = value


def _delete(data: dict, path: tuple) -> None:
    *head, last = path
    for key in head:
        data = data[key]
    del data[last]


BROKEN = [
    # (change to office_worker.yaml, expected path, expected code)
    (lambda d: _set(d, ("kpis", 1, "formula", "period"), "weekly"), "kpis[2].formula.period", "bad_period"),
    (lambda d: _delete(d, ("kpis", 0, "why")), "kpis[1].why", "missing_key"),
    (lambda d: _delete(d, ("kpis", 0, "formula", "period")), "kpis[1].formula.period", "missing_key"),
    (lambda d: _set(d, ("kpis", 2, "target"), "three"), "kpis[3].target", "expected_number"),
    (lambda d: _set(d, ("weekly_budget_minutes",), True), "weekly_budget_minutes", "expected_integer"),
    (lambda d: _set(d, ("weekly_budget_minutes",), 0), "weekly_budget_minutes", "not_positive"),
    (lambda d: _set(d, ("kpis",), {"a": 1}), "kpis", "expected_list"),
    (lambda d: _set(d, ("kpis", 0, "direction"), "up"), "kpis[1].direction", "bad_direction"),
    (lambda d: _set(d, ("kpis", 0, "formula", "numerator"), {"avg": "minutes"}),
     "kpis[1].formula.numerator", "bad_part_kind"),
    (lambda d: _set(d, ("kpis", 0, "formula", "numerator"), {"count": "posts"}),
     "kpis[1].formula.numerator.count", "bad_count"),
    (lambda d: _set(d, ("kpis", 1, "formula", "numerator", "sum"), "conversations"),
     "kpis[2].formula.numerator.sum", "unknown_column"),
    (lambda d: _set(d, ("kpis", 1, "formula", "numerator", "sum"), "memo"),
     "kpis[2].formula.numerator.sum", "not_summable"),
    (lambda d: _set(d, ("kpis", 0, "formula", "numerator", "category"), ["post", "blog"]),
     "kpis[1].formula.numerator.category[2]", "unknown_category"),
    (lambda d: _set(d, ("name",), {"ja": "会社員"}), "name.en", "missing_language"),
    (lambda d: _set(d, ("fits",), "only one language"), "fits", "expected_text"),
    (lambda d: _set(d, ("kpis", 0, "name", "en"), ""), "kpis[1].name.en", "expected_string"),
    (lambda d: _set(d, ("kpis", 1, "id"), "value_posts_per_week"), "kpis[2].id", "duplicate_id"),
    (lambda d: _set(d, ("kpis", 1, "id"), "inquiry_rate"), "kpis[2].id", "duplicate_id"),
    (lambda d: _set(d, ("kpis", 0, "id"), "Value Posts"), "kpis[1].id", "bad_id"),
    (lambda d: _set(d, ("kpis",), d["kpis"][:2]), "kpis", "kpi_count"),
    (lambda d: _set(d, ("kpi",), d.pop("kpis")), "kpi", "unknown_key"),
    (lambda d: _set(d, ("kpi",), d.pop("kpis")), "kpis", "missing_key"),
    (lambda d: _set(d, ("columns", 0, "id"), "inquiries"), "columns[1].id", "reserved_column"),
    (lambda d: _set(d, ("core_kpis",), ["inquiry_rate", "followers"]), "core_kpis[2]", "unknown_core_kpi"),
    (lambda d: _set(d, ("kpis", 0, "formula", "scale"), -1), "kpis[1].formula.scale", "not_positive"),
    # bands: a high end, never below the low end, and only on a band
    (lambda d: _delete(d, ("kpis", 0, "target_max")), "kpis[1].target_max", "band_needs_max"),
    (lambda d: _set(d, ("kpis", 0, "target_max"), 1), "kpis[1].target_max", "band_max_below_min"),
    (lambda d: _set(d, ("kpis", 0, "target_max"), "four"), "kpis[1].target_max", "expected_number"),
    (lambda d: _set(d, ("kpis", 2, "target_max"), 5), "kpis[3].target_max", "max_without_band"),
    # a rate says what it divides by; a count has nothing to divide by
    (lambda d: _delete(d, ("kpis", 1, "per")), "kpis[2].per", "missing_per"),
    (lambda d: _set(d, ("kpis", 1, "per"), {"ja": "投稿1件あたり"}), "kpis[2].per.en", "missing_language"),
    (lambda d: _set(d, ("kpis", 2, "per"), {"ja": "月あたり", "en": "per month"}), "kpis[3].per",
     "per_without_denominator"),
    # value signals are counts this persona's log can hold
    (lambda d: _set(d, ("value_signals",), ["deep_questions", "likes"]), "value_signals[2]", "unknown_signal"),
    (lambda d: _set(d, ("value_signals",), ["reactions"]), "value_signals[1]", "unknown_signal"),
    (lambda d: _set(d, ("value_signals",), ["conversations"]), "value_signals[1]", "unknown_signal"),  # homemaker's
    (lambda d: _set(d, ("value_signals",), ["memo"]), "value_signals[1]", "unknown_signal"),
    (lambda d: _set(d, ("value_signals",), ["deep_questions", "deep_questions"]), "value_signals[2]", "duplicate_id"),
    (lambda d: _delete(d, ("value_signals",)), "value_signals", "missing_key"),
    # the key result is one of the value signals, or all of them
    (lambda d: _set(d, ("key_result", "column"), "reactions"), "key_result.column", "key_result_not_signal"),
    (lambda d: _set(d, ("key_result", "column"), "conversations"), "key_result.column", "key_result_not_signal"),
    (lambda d: _delete(d, ("key_result", "why")), "key_result.why", "missing_key"),
    (lambda d: _set(d, ("key_result",), "inquiries"), "key_result", "expected_mapping"),
    (lambda d: _delete(d, ("key_result",)), "key_result", "missing_key"),
]


@pytest.mark.parametrize("change, path, code", BROKEN)
def test_broken_persona_file_reports_problem(tmp_path, change, path, code):
    data = _shipped()
    change(data)
    _write(tmp_path, "office_worker.yaml", data)
    _write(tmp_path, "homemaker.yaml", _shipped("homemaker"))
    loaded, problems = load_catalog(tmp_path)
    found = {(p.file, p.path, p.code) for p in problems}
    assert ("office_worker.yaml", path, code) in found
    assert list(loaded.personas) == ["homemaker"]  # the broken file is left out, the others still load
    for problem in problems:
        for lang in LANGS:
            text = problem.message(lang)
            assert text.startswith(f"office_worker.yaml: {path}: ") or problem.path != path
            assert not re.search(r"\{[a-z_]+\}", text), text  # every placeholder filled


def test_message_reads_like_the_example(tmp_path):
    data = _shipped()
    data["kpis"][1]["formula"]["period"] = "monthly"
    _write(tmp_path, "office_worker.yaml", data)
    _, problems = load_catalog(tmp_path)
    assert [p.message("en") for p in problems] == [
        "office_worker.yaml: kpis[2].formula.period: must be week or month (found: monthly)."
    ]
    assert problems[0].message("ja").startswith("office_worker.yaml: kpis[2].formula.period: week か month")


def test_band_and_signal_messages_read_plainly(tmp_path):
    data = _shipped()
    data["kpis"][0]["target_max"] = 1
    data["key_result"]["column"] = "reactions"
    _write(tmp_path, "office_worker.yaml", data)
    _, problems = load_catalog(tmp_path)
    assert [p.message("en") for p in problems] == [
        "office_worker.yaml: kpis[1].target_max: the upper end target_max (1) is below the lower end target (2); "
        "make it the same or higher.",
        "office_worker.yaml: key_result.column: the result that counts, \"reactions\", is not one of the value "
        "signals. Choose from: inquiries, consultations, repeat_consultations, referrals, thanks, solved_signals, "
        "deep_questions, value_signals",
    ]


def test_key_result_may_be_a_value_signal_of_the_persona_or_all_of_them(tmp_path):
    data = _shipped()
    for column in ("deep_questions", "thanks", "solved_signals", "value_signals"):
        data["key_result"]["column"] = column
        _write(tmp_path, "office_worker.yaml", data)
        loaded, problems = load_catalog(tmp_path)
        assert problems == [], column
        assert loaded.personas["office_worker"].key_result == column


def test_a_band_may_be_a_single_value_and_a_rate_may_be_lower_is_better(tmp_path):
    data = _shipped()
    data["kpis"][0]["target_max"] = 2  # 2 to 2: exactly two a week
    data["kpis"][1]["direction"] = "lower"
    _write(tmp_path, "office_worker.yaml", data)
    loaded, problems = load_catalog(tmp_path)
    assert problems == []
    assert loaded.kpi("value_posts_per_week").target_max == 2.0


@pytest.mark.parametrize("text, code", [
    ("id: [office_worker\nname: x\n", "yaml_error"),
    ("id: office_worker\n  name: {ja: a, en: b}\n", "yaml_error"),
    ("", "empty_file"),
    ("- just\n- a list\n", "expected_mapping"),
])
def test_unreadable_persona_file(tmp_path, text, code):
    _write(tmp_path, "mine.yaml", text)
    loaded, problems = load_catalog(tmp_path)
    assert [(p.file, p.path, p.code) for p in problems] == [("mine.yaml", "", code)]
    assert loaded.personas == {}
    assert problems[0].message("ja").startswith("mine.yaml: ")


def test_not_utf8_file(tmp_path):
    (tmp_path / "mine.yaml").write_bytes("id: 会社員\n".encode("cp932"))
    _, problems = load_catalog(tmp_path)
    assert [p.code for p in problems] == ["encoding"]


def test_yaml_error_names_the_line(tmp_path):
    _write(tmp_path, "mine.yaml", "id: a\nname: {ja: x, en: y\nfits: z\n")
    _, problems = load_catalog(tmp_path)
    assert problems[0].code == "yaml_error"
    assert problems[0].params["line"].isdigit()


def test_two_files_with_one_persona_id(tmp_path):
    _write(tmp_path, "office_worker.yaml", _shipped())
    _write(tmp_path, "office_worker_copy.yaml", _shipped())
    loaded, problems = load_catalog(tmp_path)
    found = [(p.file, p.path, p.code) for p in problems]
    assert found == [("office_worker_copy.yaml", "id", "duplicate_persona")]
    assert "office_worker.yaml" in problems[0].message("en")
    assert list(loaded.personas) == ["office_worker"]


def test_user_folder_without_core_uses_the_shipped_core(tmp_path):
    data = _shipped("student")
    data["id"] = "night_student"
    _write(tmp_path, "night_student.yaml", data)
    personas_only, problems = load_personas(tmp_path)
    assert problems == []
    assert list(personas_only) == ["night_student"]


def test_broken_core_file(tmp_path):
    core = yaml.safe_load((SHIPPED / "core.yaml").read_text(encoding="utf-8"))
    core["categories"] = [c for c in core["categories"] if c["id"] != "other"]
    core["categories"][1]["aliases"].append("投稿")
    core["solved_phrases"].pop("en")
    core["value_signals"] = ["inquiries", "likes", "deep_questions"]  # a vanity figure, a persona's column
    core["not_summed"] = ["referrals"]
    del core["kpis"][0]["per"]
    core["kpis"][1]["direction"] = "band"
    _write(tmp_path, "core.yaml", core)
    _write(tmp_path, "homemaker.yaml", _shipped("homemaker"))
    _, problems = load_catalog(tmp_path)
    codes = {(p.file, p.path, p.code) for p in problems}
    assert ("core.yaml", "categories", "missing_other") in codes
    assert ("core.yaml", "solved_phrases.en", "missing_key") in codes
    assert ("core.yaml", "value_signals[2]", "unknown_signal") in codes
    assert ("core.yaml", "value_signals[3]", "unknown_signal") in codes
    assert ("core.yaml", "kpis[1].per", "missing_per") in codes
    assert ("core.yaml", "kpis[2].target_max", "band_needs_max") in codes
    assert any(p.code == "duplicate_alias" and p.params["value"] == "投稿" for p in problems)


def test_core_not_summed_must_be_a_value_signal(tmp_path):
    core = yaml.safe_load((SHIPPED / "core.yaml").read_text(encoding="utf-8"))
    core["value_signals"] = ["inquiries", "consultations", "solved_signals"]
    core["not_summed"] = ["consultations", "repeat_consultations"]
    _write(tmp_path, "core.yaml", core)
    _write(tmp_path, "student.yaml", _shipped("student"))
    loaded, problems = load_catalog(tmp_path)
    assert [(p.file, p.path, p.code) for p in problems] == [("core.yaml", "not_summed[2]", "not_summed_not_signal")]
    assert loaded.core_signals == ("inquiries", "consultations", "solved_signals")
    assert loaded.value_signals("student") == ("inquiries", "consultations", "solved_signals", "peer_advice_requests")


def test_parse_persona_checks_an_upload(catalog):
    text = (SHIPPED / "freelancer.yaml").read_text(encoding="utf-8")
    persona, problems = parse_persona(text, "freelancer.yaml", catalog)
    assert problems == [] and persona == catalog.personas["freelancer"]
    typo = text.replace("direction: higher", "direction: more", 1)
    broken, problems = parse_persona(typo, "x.yaml", catalog)
    assert broken is None
    assert [(p.path, p.code) for p in problems] == [("kpis[1].direction", "bad_direction")]
    extended = catalog.with_persona(persona)
    assert list(extended.personas) == list(catalog.personas)


# ---------------------------------------------------------------- message catalogs


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("area", ["personas", "plan"])
def test_catalog_files_have_the_same_keys_and_placeholders(area):
    ja = yaml.safe_load((LOCALES / "ja" / f"{area}.yaml").read_text(encoding="utf-8"))
    en = yaml.safe_load((LOCALES / "en" / f"{area}.yaml").read_text(encoding="utf-8"))
    assert set(ja) == set(en)
    for key in ja:
        assert key.startswith(f"{area}.")
        assert _fields(ja[key]) == _fields(en[key]), key
