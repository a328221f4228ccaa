"""Sign-in through the organisation's OpenID Connect provider (统一身份认证): bearer JWTs for
the API, verified against the provider's published keys, and the claims they carry mapped to
the hub's :class:`~hub.access.Principal`.

The provider is found from its issuer URL alone: its discovery document
(``/.well-known/openid-configuration``, or ``HUB_OIDC_DISCOVERY_URL`` where the hub reaches
the provider by an internal address) names the keys (``jwks_uri``) and endpoints. The keys
are fetched with httpx and kept for ``HUB_OIDC_JWKS_MAX_AGE_SECONDS``; a token signed with a
key the hub does not know fetches them again at once (at most once every
``HUB_OIDC_JWKS_REFETCH_SECONDS``), so a key the provider rotates in is picked up mid-run and
one it drops stops working when the keys are next fetched. While the provider does not
answer, its last keys keep serving, and it is asked again every ``RETRY_SECONDS``. A token is
accepted only when its signature (RS256, ES256 or PS256 — never ``none`` or a shared secret),
issuer, audience, expiry and not-before hold, with ``HUB_OIDC_LEEWAY_SECONDS`` of clock skew.
All JOSE work is joserfc's. Neither a token nor its claims are logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from domain.officials import PARTNER_ROLES, PROCURATORATE_ROLES, OfficialRole
from domain.values import MAX_BEARER_TOKEN_CHARS
from hub.access.principal import Principal, PrincipalKind, Role
from hub.settings import PLACEHOLDERS, Settings

log = logging.getLogger(__name__)

#: the signing algorithms accepted; ``none`` and HS* (a secret shared with the provider) never
ALGORITHMS = ("RS256", "ES256", "PS256")

#: after the provider failed to answer, how long requests fail at once before it is asked again
RETRY_SECONDS = 5.0

#: roles of an agency's officials (the claim's values, the hub's one vocabulary:
#: :class:`domain.officials.OfficialRole`); each acts for the agency as its staff
AGENCY_ROLES = frozenset(r.value for r in PROCURATORATE_ROLES | PARTNER_ROLES)
#: roles without an agency, strongest first
HUB_ROLES = {OfficialRole.ADMIN.value: Role.ADMIN, OfficialRole.AUDITOR.value: Role.AUDITOR}


#: a claim that does not hold → (reason, detail)
CLAIM_REFUSALS = {
    "iss": ("wrong-issuer", "the token was issued by another provider"),
    "aud": ("wrong-audience", "the token is meant for another audience"),
    "nbf": ("not-yet-valid", "the token is not valid yet"),
    "iat": ("not-yet-valid", "the token is issued in the future"),
    "nonce": ("wrong-nonce", "the ID token answers another sign-in"),
    "sub": ("claims", "the token names no subject"),
    "exp": ("claims", "the token has no expiry"),
}


class TokenRefused(Exception):
    """The token is not one the hub accepts; ``reason`` says why (never quoting the token)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class ProviderUnavailable(Exception):
    """The provider's discovery document or keys could not be fetched."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    audience: str
    client_id: str
    client_secret: str | None
    redirect_uri: str
    agency_claim: str = "hub_agency"
    roles_claim: str = "hub_roles"
    leeway_seconds: int = 30
    jwks_max_age_seconds: float = 300.0
    jwks_refetch_seconds: float = 10.0
    discovery_url: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcConfig | None:
        """The configuration, or ``None`` when no issuer is set (OpenID Connect off)."""
        if not settings.oidc_issuer:
            return None
        secret = settings.oidc_client_secret
        if settings.env == "production":
            if not settings.oidc_issuer.startswith("https://"):
                raise ValueError("HUB_OIDC_ISSUER must be an https:// URL in production")
            given = secret.get_secret_value().strip() if secret is not None else ""
            if given.lower() in PLACEHOLDERS or len(given) < 16:
                raise ValueError("HUB_OIDC_CLIENT_SECRET is required in production")
        return cls(
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience,
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret is not None else None,
            redirect_uri=settings.oidc_redirect(),
            agency_claim=settings.oidc_agency_claim,
            roles_claim=settings.oidc_roles_claim,
            leeway_seconds=settings.oidc_leeway_seconds,
            jwks_max_age_seconds=settings.oidc_jwks_max_age_seconds,
            jwks_refetch_seconds=settings.oidc_jwks_refetch_seconds,
            discovery_url=settings.oidc_discovery_url,
        )


@dataclass(frozen=True)
class Discovery:
    """What the hub uses of the provider's discovery document."""

    issuer: str
    jwks_uri: str
    authorization_endpoint: str
    token_endpoint: str


def looks_like_jwt(token: str) -> bool:
    """Three base64url parts: a JWS in compact form (the hub's own tokens are ``hub_…``)."""
    parts = token.split(".")
    return len(parts) == 3 and all(
        p and p.replace("-", "").replace("_", "").isalnum() and p.isascii() for p in parts
    )


class OidcVerifier:
    """Verifies the provider's JWTs; thread-safe (the API calls it from its thread pool)."""

    def __init__(
        self,
        config: OidcConfig,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._http = http or httpx.Client(timeout=5.0)
        self._clock = clock
        self._lock = threading.Lock()
        self._discovery: Discovery | None = None
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._failed_at = float("-inf")

    def close(self) -> None:
        self._http.close()

    # The provider's documents

    def discovery(self) -> Discovery:
        """The discovery document, read once; after a failure, asked again at most once every
        ``RETRY_SECONDS`` (meanwhile requests fail at once instead of each waiting)."""
        with self._lock:
            if self._discovery is None:
                if self._clock() - self._failed_at < RETRY_SECONDS:
                    raise ProviderUnavailable("the identity provider did not answer; retrying")
                try:
                    self._discovery = self._discover()
                except ProviderUnavailable:
                    self._failed_at = self._clock()
                    raise
            return self._discovery

    def _discover(self) -> Discovery:
        url = self.config.discovery_url or (
            self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
        )
        document = self._get_json(url)
        try:
            found = Discovery(
                issuer=str(document["issuer"]),
                jwks_uri=str(document["jwks_uri"]),
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
            )
        except KeyError as missing:
            raise ProviderUnavailable(f"the discovery document lacks {missing}") from None
        if found.issuer != self.config.issuer:  # OpenID Connect Discovery 1.0, section 4.3
            raise ProviderUnavailable("the discovery document names another issuer")
        return found

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailable(
                f"the identity provider did not answer ({type(error).__name__})"
            ) from None
        if not isinstance(document, dict):
            raise ProviderUnavailable("the identity provider answered something else than JSON")
        return document

    def _key_for(self, kid: str | None) -> Any:
        """The published key ``kid``: from the cache, or fetched again (see the docstring)."""
        discovery = self.discovery()
        with self._lock:
            age = self._clock() - self._fetched_at
            if self._keys is None or age >= self.config.jwks_max_age_seconds:
                try:
                    self._fetch_keys(discovery)
                except ProviderUnavailable:
                    if self._keys is None:
                        raise
                    # the provider is down: its last keys serve until it answers again
                    log.warning("the identity provider's keys could not be refreshed")
            assert self._keys is not None
            key = self._find(self._keys, kid)
            if key is None and self._clock() - self._fetched_at >= self.config.jwks_refetch_seconds:
                self._fetch_keys(discovery)
                key = self._find(self._keys, kid)
        if key is None:
            raise TokenRefused(
                "unknown-key", "the token is signed with a key the provider does not publish"
            )
        return key

    def _fetch_keys(self, discovery: Discovery) -> None:
        if self._clock() - self._failed_at < RETRY_SECONDS:
            raise ProviderUnavailable("the identity provider did not answer; retrying")
        try:
            document = self._get_json(discovery.jwks_uri)
            try:
                self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, KeyError, TypeError, ValueError):
                raise ProviderUnavailable("the provider's key set cannot be read") from None
        except ProviderUnavailable:
            self._failed_at = self._clock()
            raise
        self._fetched_at = self._clock()

    @staticmethod
    def _find(keys: KeySet | None, kid: str | None) -> Any:
        if keys is None or kid is None:
            return None
        return next((k for k in keys.keys if k.kid == kid), None)

    # Tokens

    def verify(
        self, token: str, *, audience: str | None = None, nonce: str | None = None
    ) -> dict[str, Any]:
        """The token's claims once signature, issuer, audience (the API's unless given), times
        and (for an ID token) ``nonce`` hold; else :class:`TokenRefused`."""
        if len(token) > MAX_BEARER_TOKEN_CHARS or not looks_like_jwt(token):
            raise TokenRefused("malformed", "the token is not a signed JWT")
        try:
            header = jws.extract_compact(token.encode()).protected
        except (JoseError, ValueError, UnicodeDecodeError):
            raise TokenRefused("malformed", "the token is not a signed JWT") from None
        if header.get("alg") not in ALGORITHMS:
            raise TokenRefused("algorithm", "the token's signing algorithm is not accepted")
        key = self._key_for(header.get("kid"))
        try:
            claims = jwt.decode(token, key, algorithms=list(ALGORITHMS)).claims
        except BadSignatureError:
            raise TokenRefused("bad-signature", "the token's signature does not verify") from None
        except (JoseError, ValueError):
            raise TokenRefused("malformed", "the token cannot be read") from None
        self._check_claims(claims, audience or self.config.audience, nonce)
        return claims

    def _check_claims(self, claims: dict[str, Any], audience: str, nonce: str | None) -> None:
        expected: dict[str, Any] = {
            "iss": {"essential": True, "value": self.config.issuer},
            "aud": {"essential": True, "value": audience},
            "exp": {"essential": True},
            "sub": {"essential": True},
        }
        if nonce is not None:
            expected["nonce"] = {"essential": True, "value": nonce}
        registry = jwt.JWTClaimsRegistry(leeway=self.config.leeway_seconds, **expected)
        try:
            registry.validate(claims)
        except ExpiredTokenError:
            raise TokenRefused("expired", "the token has expired") from None
        except (InvalidClaimError, MissingClaimError) as error:
            reason, detail = CLAIM_REFUSALS.get(
                error.claim, ("claims", f"the token's {error.claim} claim is missing or wrong")
            )
            raise TokenRefused(reason, detail) from None

    def principal(self, token: str) -> Principal:
        """The principal of a bearer token of the provider (see :func:`principal_from_claims`)."""
        return principal_from_claims(
            self.verify(token),
            agency_claim=self.config.agency_claim,
            roles_claim=self.config.roles_claim,
        )


@dataclass(frozen=True)
class OidcIdentity:
    """An official as the provider vouches for them."""

    subject: str
    username: str | None
    name: str | None
    agency_id: UUID | None
    roles: tuple[str, ...]


def identity_from_claims(
    claims: Mapping[str, Any], *, agency_claim: str = "hub_agency", roles_claim: str = "hub_roles"
) -> OidcIdentity:
    agency = claims.get(agency_claim)
    if isinstance(agency, list) and len(agency) == 1:  # Keycloak may send an attribute as a list
        agency = agency[0]
    try:
        agency_id = UUID(agency) if isinstance(agency, str) and agency else None
    except ValueError:
        raise TokenRefused("claims", f"the {agency_claim!r} claim is not an agency id") from None
    roles = claims.get(roles_claim) or []
    if isinstance(roles, str):
        roles = roles.split()
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise TokenRefused("claims", f"the {roles_claim!r} claim is not a list of roles")
    username, name = claims.get("preferred_username"), claims.get("name")
    return OidcIdentity(
        subject=str(claims["sub"]),
        username=username if isinstance(username, str) else None,
        name=name if isinstance(name, str) else None,
        agency_id=agency_id,
        roles=tuple(roles),
    )


def principal_from_claims(
    claims: Mapping[str, Any], *, agency_claim: str = "hub_agency", roles_claim: str = "hub_roles"
) -> Principal:
    """Who a verified token names, as the hub knows callers (see :func:`principal_of`)."""
    return principal_of(
        identity_from_claims(claims, agency_claim=agency_claim, roles_claim=roles_claim)
    )


def principal_of(identity: OidcIdentity) -> Principal:
    """``admin`` or ``auditor`` among the roles make an administrator or auditor (no agency);
    otherwise an agency role (:data:`AGENCY_ROLES`) with an agency id makes the agency's staff.
    Neither is refused: the provider knows the official, the hub gives them no role. Other
    roles are ignored (connectors keep their machine tokens). This is the fallback for an
    official the hub has no user for (see
    :meth:`hub.identity.service.Identity.principal_for_provider`): such a principal has no
    user id, so it takes none of the steps that need a named official.
    """
    label = identity.username or identity.name or identity.subject
    token_id = f"oidc:{identity.subject}"
    kind = PrincipalKind.USER  # a person the provider vouches for, with no user in the hub
    for name, role in HUB_ROLES.items():
        if name in identity.roles:
            return Principal(token_id, role, None, label, kind, roles=(name,))
    held = tuple(sorted(AGENCY_ROLES.intersection(identity.roles)))
    if identity.agency_id is not None and held:
        return Principal(token_id, Role.STAFF, identity.agency_id, label, kind, roles=held)
    raise TokenRefused("no-hub-role", "the token grants no role in the hub")


def build_verifier(settings: Settings) -> OidcVerifier | None:
    """The verifier the settings ask for, or ``None`` (OpenID Connect off); connects lazily."""
    config = OidcConfig.from_settings(settings)
    return OidcVerifier(config) if config is not None else None
