"""Who a visit belongs to and where its data lives: local, a hosted guest, or a person signed in with OpenID Connect."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kpi_core.plan import Plan

HOSTED_ENV = "KPI_COACH_HOSTED"
LOCAL, GUEST, SIGNED_IN = "local", "guest", "signed_in"
# The names hosts usually give their [auth.NAME] sections, as people know the services; any other name is shown
# as written. LINE Login speaks OpenID Connect, so it is one provider like the others.
PROVIDER_NAMES = {"google": "Google", "line": "LINE", "microsoft": "Microsoft", "auth0": "Auth0", "okta": "Okta",
                  "apple": "Apple", "github": "GitHub", "yahoo": "Yahoo! JAPAN"}
# What Streamlit's st.login needs in [auth] and in each provider's section (streamlit.auth_util); a section
# without them would fail only when someone taps the button, so it is not offered at all.
_AUTH_KEYS = ("redirect_uri", "cookie_secret")
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


def hosted_mode(environ: Mapping[str, str]) -> bool:
    """True when the app runs on a shared server (KPI_COACH_HOSTED=1; a root-level secret becomes this variable)."""
    return environ.get(HOSTED_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Person:
    """A signed-in person: the provider's issuer and its subject id, the only identity ever used to find data.

    The e-mail and the name can change or be reused by someone else; `name` is only shown beside sign-out.
    """

    issuer: str
    subject: str
    name: str = ""

    @property
    def owner(self) -> tuple[str, str]:
        return (self.issuer, self.subject)


def person_from_claims(claims: Mapping[str, object]) -> Person | None:
    """The person the identity cookie names (st.user's claims), or None when not signed in or when the provider
    gave no issuer or subject (without both nobody can be told apart: such a visit stays a guest)."""
    if not claims.get("is_logged_in"):
        return None
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not (isinstance(issuer, str) and issuer.strip() and isinstance(subject, str) and subject.strip()):
        return None
    name = next((str(claims[k]) for k in ("name", "email", "preferred_username") if claims.get(k)), "")
    return Person(issuer, subject, name)


def providers(auth: Mapping[str, object] | None) -> tuple[str, ...]:
    """The sign-in choices the host set up under [auth] in secrets.toml, in their order: "default" for one
    provider written straight into [auth], then each complete [auth.NAME] section. Empty when [auth] is
    missing or lacks redirect_uri / cookie_secret."""
    if not auth or any(not auth.get(key) for key in _AUTH_KEYS):
        return ()
    found = ["default"] if all(auth.get(key) for key in _PROVIDER_KEYS) else []
    found += [name for name, section in auth.items()
              if isinstance(section, Mapping) and "_" not in name and all(section.get(k) for k in _PROVIDER_KEYS)]
    return tuple(found)


def provider_name(provider: str) -> str | None:
    """How a provider is named on its button: None for the unnamed default one (the button just says sign in)."""
    return None if provider == "default" else PROVIDER_NAMES.get(provider.lower(), provider)


@dataclass(frozen=True)
class Account:
    """Where this visit's data lives.

    - LOCAL: the one person of this computer's SQLite file (KPI_COACH_HOSTED unset).
    - GUEST: hosted, in memory for this browser session only.
    - SIGNED_IN: hosted, `person`'s rows in the database at `database_url`.
    A hosted server with [auth] but no database offers no sign-in (`no_database`): keeping accounts in a file on
    a hosting service's disk would lose them at its next restart or redeploy, after people were told they are kept.
    """

    mode: str
    person: Person | None = None
    providers: tuple[str, ...] = ()  # the sign-in buttons a guest is offered
    database_url: str | None = None
    no_database: bool = False  # [auth] is set up, the database is not: said on the page, for the host

    @property
    def lasting(self) -> bool:
        """True when what is entered outlives the browser session."""
        return self.mode != GUEST


def decide(hosted: bool, auth: Mapping[str, object] | None, database_url: str | None,
           person: Person | None) -> Account:
    """The account of a visit, from the server's settings and the identity cookie."""
    if not hosted:
        return Account(LOCAL)
    offered = providers(auth)
    if offered and not database_url:
        return Account(GUEST, no_database=True)
    if not offered:
        return Account(GUEST)  # a cookie left from an earlier set-up means nothing once [auth] is gone
    if person is None:
        return Account(GUEST, providers=offered, database_url=database_url)
    return Account(SIGNED_IN, person=person, providers=offered, database_url=database_url)


def entered_anything(plan: Plan, fresh: Plan, log: pd.DataFrame, reviews: Mapping[str, Mapping]) -> bool:
    """True when a workspace holds something the person entered: a log row, a written review, or a plan that
    differs from the fresh one (`fresh`) other than in the language shown and the define page's step."""
    if len(log) or any(str(value).strip() for fields in reviews.values() for value in fields.values()):
        return True
    return dataclasses.replace(plan, language=fresh.language, define_step=fresh.define_step) != fresh
