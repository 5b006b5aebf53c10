"""Advice on the value statement: catches "everyone" and vanity goals, and only about fields on screen."""

import pytest

from kpi_core.plan import ValueStatement
from kpi_core.statement_advice import statement_advice


@pytest.mark.parametrize("person", ["みんな", "誰でも", "Everyone who posts", "万人に届けたい"])
def test_everyone_is_nobody(person):
    assert "everyone" in statement_advice(ValueStatement(person=person), ["person"])


@pytest.mark.parametrize("person", ["1万人のフォロワーがいる先輩", "転職に悩む20代後半の事務職"])
def test_concrete_people_pass(person):
    assert "everyone" not in statement_advice(ValueStatement(person=person, situation="x"), ["person"])


@pytest.mark.parametrize("change", ["フォロワー1万人", "gets more followers", "バズる", "go viral"])
def test_vanity_goal(change):
    assert statement_advice(ValueStatement(change=change), ["change"]) == ["vanity_goal"]


def test_ordinary_english_likes_is_not_vanity():
    assert statement_advice(ValueStatement(future="doing the work her new boss likes"), ["future"]) == []


def test_advice_only_for_fields_on_screen():
    statement = ValueStatement(person="会社員のAさん", situation="残業続き", change="フォロワー1万人")
    assert statement_advice(statement, ["person", "situation"]) == []
    assert statement_advice(statement, ["change"]) == ["vanity_goal"]
    assert statement_advice(ValueStatement(problem="転職", solution=""), ["solution", "offer"]) == ["how_empty"]


def test_result_step_checks_everything():
    statement = ValueStatement(person="みんな", problem="転職", solution="添削")
    assert statement_advice(statement) == ["everyone", "change_empty"]
