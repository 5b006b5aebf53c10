"""Who a visit belongs to: local, a hosted guest, or a signed-in person known by (issuer, subject) only."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from kpi_core.accounts import (
    GUEST,
    LOCAL,
    SIGNED_IN,
    Account,
    Person,
    decide,
    entered_anything,
    hosted_mode,
    person_from_claims,
    provider_name,
    providers,
)
from kpi_core.personas import default_catalog
from kpi_core.plan import DEFAULT_PERSONA, default_plan
from kpi_core.reader import empty_log

PROVIDER = {"client_id": "id", "client_secret": "secret",
            "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration"}
AUTH = {"redirect_uri": "https://coach.example/oauth2callback", "cookie_secret": "s" * 32, **PROVIDER}
URL = "postgresql+psycopg://coach@db/coach"
ALICE = Person("https://issuer.example", "alice", "Alice")


def fresh():
    catalog = default_catalog()
    return default_plan(catalog.personas[DEFAULT_PERSONA], catalog)


@pytest.mark.parametrize(("value", "hosted"), [("1", True), ("true", True), (" On ", True), ("", False),
                                               ("0", False), ("no", False)])
def test_hosted_mode_reads_the_variable(value, hosted):
    assert hosted_mode({"KPI_COACH_HOSTED": value}) is hosted
    assert hosted_mode({}) is False


def test_a_person_is_the_issuer_and_the_subject_never_the_email():
    claims = {"is_logged_in": True, "iss": "https://accounts.google.com", "sub": "1234", "email": "a@example.com",
              "name": "Aiko"}
    person = person_from_claims(claims)
    assert person.owner == ("https://accounts.google.com", "1234")
    assert person.name == "Aiko"
    # Same e-mail, another subject: another person. Same subject at another issuer: another person too.
    assert person_from_claims({**claims, "sub": "5678"}).owner != person.owner
    assert person_from_claims({**claims, "iss": "https://access.line.me"}).owner != person.owner
    assert person_from_claims({**claims, "name": ""}).name == "a@example.com"  # shown only


@pytest.mark.parametrize("claims", [
    {},  # no [auth]: st.user has no is_logged_in
    {"is_logged_in": False, "iss": "https://i", "sub": "x"},
    {"is_logged_in": True, "sub": "x"},  # no issuer: cannot be told apart from another provider's "x"
    {"is_logged_in": True, "iss": "https://i", "sub": "  "},
    {"is_logged_in": True, "iss": "https://i", "sub": 42},
])
def test_no_person_without_a_sign_in_and_both_ids(claims):
    assert person_from_claims(claims) is None


def test_providers_default_and_named_sections_in_order():
    assert providers(AUTH) == ("default",)
    named = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
             "line": {**PROVIDER, "client_kwargs": {"scope": "openid profile"}}, "google": PROVIDER}
    assert providers(named) == ("line", "google")
    assert providers({**named, **PROVIDER}) == ("default", "line", "google")


@pytest.mark.parametrize("auth", [
    None, {},
    {k: v for k, v in AUTH.items() if k != "cookie_secret"},  # st.login would refuse when tapped
    {k: v for k, v in AUTH.items() if k != "redirect_uri"},
    {k: v for k, v in AUTH.items() if k != "server_metadata_url"},
    {"redirect_uri": "r", "cookie_secret": "c", "my_idp": PROVIDER},  # Streamlit refuses "_" in a provider name
    {"redirect_uri": "r", "cookie_secret": "c", "line": {"client_id": "only"}},
])
def test_an_incomplete_auth_section_offers_no_sign_in(auth):
    assert providers(auth) == ()


def test_provider_names_on_the_buttons():
    assert provider_name("default") is None
    assert provider_name("line") == "LINE"
    assert provider_name("Google") == "Google"
    assert provider_name("keycloak") == "keycloak"


def test_decide_local_guest_and_signed_in():
    assert decide(False, AUTH, URL, ALICE) == Account(LOCAL)  # local mode ignores [auth] and any cookie
    assert decide(True, None, URL, None) == Account(GUEST)
    assert decide(True, None, URL, ALICE) == Account(GUEST)  # a cookie left from an earlier set-up
    guest = decide(True, AUTH, URL, None)
    assert (guest.mode, guest.providers, guest.lasting) == (GUEST, ("default",), False)
    signed = decide(True, AUTH, URL, ALICE)
    assert (signed.mode, signed.person, signed.database_url, signed.lasting) == (SIGNED_IN, ALICE, URL, True)
    assert Account(LOCAL).lasting


def test_auth_without_a_database_offers_no_sign_in_and_says_why():
    for person in (None, ALICE):
        account = decide(True, AUTH, None, person)
        assert (account.mode, account.no_database, account.providers, account.person) == (GUEST, True, (), None)


def test_entered_anything():
    plan = fresh()
    assert not entered_anything(plan, fresh(), empty_log(), {})
    # The language shown and the define page's step are not something entered.
    assert not entered_anything(dataclasses.replace(plan, language="en", define_step=2), fresh(), empty_log(), {})
    assert not entered_anything(plan, fresh(), empty_log(), {"2025-01-06": {"worked": "  "}})
    assert entered_anything(plan, fresh(), empty_log(), {"2025-01-06": {"worked": "相談が来た"}})
    statement = dataclasses.replace(plan.statement, person="育休明けの営業職")
    assert entered_anything(dataclasses.replace(plan, statement=statement), fresh(), empty_log(), {})
    assert entered_anything(dataclasses.replace(plan, weekly_budget_minutes=120), fresh(), empty_log(), {})
    one_row = pd.concat([empty_log(), pd.DataFrame({"date": [pd.Timestamp("2025-01-06")]})])
    assert entered_anything(plan, fresh(), one_row, {})
