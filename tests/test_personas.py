"""Shipped persona files are complete and consistent; broken persona files give readable problems."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

import personas
from kpi_core.columns import CORE_OPTIONAL, REQUIRED
from kpi_core.messages import LANGS
from kpi_core.personas import (
    DERIVED_COLUMNS,
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
        assert kpi.direction in ("higher", "lower")
        assert kpi.formula.period in ("week", "month")
        assert kpi.target >= 0
        for part in filter(None, (kpi.formula.numerator, kpi.formula.denominator)):
            if part.kind == "sum":
                assert part.column in template or (
                    part.column in DERIVED_COLUMNS and DERIVED_COLUMNS[part.column] in template
                ), (kpi.id, part.column)
            else:
                assert part.kind == "count"
            assert set(part.categories) <= declared, (kpi.id, part.categories)


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
    rate = catalog.kpi("inquiry_rate").formula
    assert (rate.numerator.column, rate.denominator.kind, rate.scale) == ("inquiries", "count", 100)
    for phrase in ("悩みが解決", "行動を起こせた", "結果が出た"):
        assert phrase in catalog.solved_phrases["ja"]
    for phrase in ("problem solved", "took action", "got results"):
        assert phrase in catalog.solved_phrases["en"]


def test_template_columns_are_required_core_then_persona(catalog):
    columns = catalog.template_columns("office_worker")
    assert columns[: len(REQUIRED) + len(CORE_OPTIONAL)] == REQUIRED + CORE_OPTIONAL
    assert [c.id for c in columns[len(REQUIRED) + len(CORE_OPTIONAL):]] == ["deep_questions"]
    student = [c.id for c in catalog.template_columns("student")]
    assert {"learning_reports", "failure_shares", "peer_advice_requests"} <= set(student)
    assert catalog.template_columns("nobody") == REQUIRED + CORE_OPTIONAL


def test_kpi_lookup(catalog):
    assert catalog.kpi("inquiry_rate", "office_worker").core
    assert catalog.kpi("value_posts_per_week", "office_worker").target == 3
    assert catalog.kpi("value_posts_per_week", "homemaker") is None  # not that persona's
    assert catalog.kpi("value_posts_per_week") is not None
    assert catalog.kpi("no_such_kpi") is None
    office = [k.id for k in catalog.available_kpis("office_worker")]
    assert office[:3] == ["value_posts_per_week", "deep_questions_per_post", "consultations_per_month"]
    assert "thanks_per_week" in office


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
    _write(tmp_path, "core.yaml", core)
    _write(tmp_path, "homemaker.yaml", _shipped("homemaker"))
    _, problems = load_catalog(tmp_path)
    codes = {(p.file, p.path, p.code) for p in problems}
    assert ("core.yaml", "categories", "missing_other") in codes
    assert ("core.yaml", "solved_phrases.en", "missing_key") in codes
    assert any(p.code == "duplicate_alias" and p.params["value"] == "投稿" for p in problems)


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
