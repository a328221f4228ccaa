"""What a verified token's claims make of the caller, and when OpenID Connect is on (no I/O)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from hub.access.tokens import Role
from hub.identity.oidc import (
    OidcConfig,
    TokenRefused,
    build_verifier,
    looks_like_jwt,
    principal_from_claims,
)
from hub.settings import Settings

AGENCY = str(uuid.uuid4())


@pytest.mark.parametrize(
    "token, jwt",
    [
        ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", True),
        ("a-b_c.d-e_f.g-h_i", True),
        ("hub_AbCdEf-ghIJ_kl", False),  # the hub's own tokens
        ("a.b", False),
        ("a..c", False),
        ("a.b.c.d", False),
        ("a.b=.c", False),  # padding is not base64url of a JWS
        ("a.b.c d", False),
        ("ä.b.c", False),
    ],
)
def test_a_jwt_is_three_base64url_parts(token: str, jwt: bool) -> None:
    assert looks_like_jwt(token) is jwt


def claims(**extra: Any) -> dict[str, Any]:
    return {"sub": "u-1", "preferred_username": "li.jingban", "name": "李经办", **extra}


@pytest.mark.parametrize("role", ["caseworker", "case_officer", "chief_procurator", "head"])
def test_an_agency_role_with_an_agency_is_its_staff(role: str) -> None:
    principal = principal_from_claims(claims(hub_agency=AGENCY, hub_roles=["other", role]))
    assert principal.role == Role.STAFF
    assert principal.agency_id == uuid.UUID(AGENCY)
    assert principal.label == "li.jingban"
    assert principal.token_id == "oidc:u-1"


def test_keycloak_shapes_and_configured_claim_names_are_read() -> None:
    """An attribute sent as a one-element list; roles as a space-separated string."""
    token = claims(org=[AGENCY], groups="default-roles-hub caseworker")
    principal = principal_from_claims(token, agency_claim="org", roles_claim="groups")
    assert (principal.role, principal.agency_id) == (Role.STAFF, uuid.UUID(AGENCY))


@pytest.mark.parametrize(
    "roles, role", [(["auditor"], Role.AUDITOR), (["caseworker", "admin"], Role.ADMIN)]
)
def test_administrators_and_auditors_act_for_no_agency(roles: list[str], role: Role) -> None:
    principal = principal_from_claims(claims(hub_agency=AGENCY, hub_roles=roles))
    assert (principal.role, principal.agency_id) == (role, None)


@pytest.mark.parametrize(
    "extra, reason",
    [
        ({"hub_roles": ["caseworker"]}, "no-hub-role"),  # no agency
        ({"hub_agency": AGENCY, "hub_roles": ["connector"]}, "no-hub-role"),  # machines' role
        ({"hub_agency": AGENCY}, "no-hub-role"),
        ({"hub_agency": "新源县民政局", "hub_roles": ["caseworker"]}, "claims"),
        ({"hub_agency": AGENCY, "hub_roles": {"caseworker": True}}, "claims"),
    ],
)
def test_claims_that_give_no_role_in_the_hub_are_refused(
    extra: dict[str, Any], reason: str
) -> None:
    with pytest.raises(TokenRefused) as refused:
        principal_from_claims(claims(**extra))
    assert refused.value.reason == reason


def test_off_without_an_issuer(tmp_path: Path) -> None:
    assert build_verifier(Settings(data_dir=tmp_path)) is None


@pytest.mark.parametrize(
    "issuer, secret",
    [
        ("http://sso.example/realms/hub", "s" * 32),  # not TLS
        ("https://sso.example/realms/hub", None),
        ("https://sso.example/realms/hub", "changeme"),
    ],
)
def test_production_refuses_an_issuer_without_tls_or_a_client_without_its_secret(
    tmp_path: Path, issuer: str, secret: str | None
) -> None:
    settings = Settings(
        env="production",
        data_dir=tmp_path,
        oidc_issuer=issuer,
        oidc_client_secret=SecretStr(secret) if secret else None,
    )
    with pytest.raises(ValueError, match="HUB_OIDC_"):
        OidcConfig.from_settings(settings)
