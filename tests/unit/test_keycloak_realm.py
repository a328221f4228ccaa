"""The production provider as compose ships it: Keycloak's realm gives the hub the tokens the
hub's settings expect (its client, PKCE, the audience, the agency and roles claims)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from domain.officials import OfficialRole
from hub.identity.oidc import AGENCY_ROLES, HUB_ROLES
from hub.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


def realm() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((ROOT / "deploy/keycloak/realm-hub.json").read_text())
    return document


def test_keycloak_is_pinned_and_imports_the_realm() -> None:
    keycloak = compose()["services"]["keycloak"]
    image, _, tag = keycloak["image"].rpartition(":")
    assert image == "quay.io/keycloak/keycloak" and tag[:1].isdigit()
    assert "--import-realm" in keycloak["command"]
    mounted = [v.split(":")[0] for v in keycloak["volumes"]]
    assert "./deploy/keycloak/realm-hub.json" in mounted


def test_the_hubs_client_is_confidential_with_pkce_and_the_callback() -> None:
    services = compose()["services"]
    hub_env = services["hub"]["environment"]
    keycloak_env = services["keycloak"]["environment"]
    (client,) = realm()["clients"]
    assert client["clientId"] == "${HUB_OIDC_CLIENT_ID}"
    assert keycloak_env["HUB_OIDC_CLIENT_ID"] == hub_env["HUB_OIDC_CLIENT_ID"]
    assert keycloak_env["HUB_OIDC_CLIENT_SECRET"] == hub_env["HUB_OIDC_CLIENT_SECRET"]
    assert client["publicClient"] is False and client["secret"] == "${HUB_OIDC_CLIENT_SECRET}"
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    assert client["standardFlowEnabled"] and not client["implicitFlowEnabled"]
    assert not client["directAccessGrantsEnabled"]  # no passwords through the hub
    assert client["redirectUris"] == ["${HUB_PUBLIC_URL}/auth/oidc/callback"]
    assert hub_env["HUB_OIDC_REDIRECT_URI"].endswith("/auth/oidc/callback")
    assert hub_env["HUB_OIDC_ISSUER"].endswith("/realms/" + realm()["realm"])


def test_the_tokens_carry_the_audience_agency_and_roles_the_hub_reads() -> None:
    services = compose()["services"]
    hub_env = services["hub"]["environment"]
    (client,) = realm()["clients"]
    mappers = {m["protocolMapper"]: m["config"] for m in client["protocolMappers"]}
    audience = mappers["oidc-audience-mapper"]["included.custom.audience"]
    assert audience == "${HUB_OIDC_AUDIENCE}"
    assert services["keycloak"]["environment"]["HUB_OIDC_AUDIENCE"] == hub_env["HUB_OIDC_AUDIENCE"]
    agency = mappers["oidc-usermodel-attribute-mapper"]
    assert agency["claim.name"] == hub_env["HUB_OIDC_AGENCY_CLAIM"] == Settings().oidc_agency_claim
    assert agency["user.attribute"] == "hub_agency" and agency["multivalued"] == "false"
    roles = mappers["oidc-usermodel-realm-role-mapper"]
    assert roles["claim.name"] == hub_env["HUB_OIDC_ROLES_CLAIM"] == Settings().oidc_roles_claim
    for claim in (agency, roles):
        assert claim["access.token.claim"] == claim["id.token.claim"] == "true"


def test_every_role_the_hub_maps_is_a_realm_role_and_the_agency_is_admin_set() -> None:
    defined = {r["name"] for r in realm()["roles"]["realm"]}
    assert defined == set(AGENCY_ROLES) | set(HUB_ROLES)
    # the one role vocabulary: the realm's roles are the hub's officials' roles
    assert defined == {r.value for r in OfficialRole}
    component = realm()["components"]["org.keycloak.userprofile.UserProfileProvider"][0]
    profile = json.loads(component["config"]["kc.user.profile.config"][0])
    attributes = {a["name"]: a for a in profile["attributes"]}
    assert attributes["hub_agency"]["permissions"]["edit"] == ["admin"]  # not the official
    assert set(attributes) <= {
        "username",
        "email",
        "firstName",
        "lastName",
        "hub_agency",
        "staff_number",
    }
