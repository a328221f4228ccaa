"""Credentials to principals: machine tokens, session tokens, and local sign-in.

:class:`Identity` is what the API's gate and dependencies ask "who is this?". A machine token
(``hub_…``) is answered by the access store; a session token (``hs_…``) by its session and the
official it belongs to, read from the log, so a disabled official or a changed role counts at
once in this process (and within ``TOKEN_CACHE_SECONDS`` in others). An official whose roles
have been removed or who is disabled has no principal. A verified OpenID Connect token is
mapped to the official whose external id is its subject (:meth:`Identity.principal_for_oidc`);
its principal is remembered a few seconds (``oidc_cache_seconds``, by the token's hash, never
past the token's ``exp``), forgotten at once when this process disables an official or
changes roles, so another process's disabling counts within that bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from domain.errors import NotFound
from hub import metrics
from hub.access.principal import Principal, PrincipalKind, access_role
from hub.access.tokens import TOKEN_CACHE_SECONDS, AccessStore
from hub.identity.passwords import Passwords, SignInRefused
from hub.identity.sessions import PREFIX, Sessions, digest

#: the most verified provider tokens a process remembers at once (a bound on memory)
MAX_REMEMBERED_TOKENS = 10_000

if TYPE_CHECKING:  # OpenID Connect brings httpx and joserfc: imported where it is configured
    from hub.identity.oidc import OidcIdentity, OidcVerifier


class UserDirectory(Protocol):
    """What identity reads of the log: an official by id (see :mod:`hub.commands.users`)."""

    def get_user(self, user_id: UUID) -> dict[str, Any]: ...

    def user_id_for_external_id(self, external_id: str) -> UUID | None: ...


def principal_of(user: dict[str, Any], token_id: str) -> Principal | None:
    """The principal of an enabled official, or ``None`` if disabled."""
    if user["disabled"]:
        return None
    roles = tuple(user["roles"])
    return Principal(
        token_id=token_id,
        role=access_role(roles),
        agency_id=UUID(str(user["agency_id"])),
        name=user["name"],
        kind=PrincipalKind.USER,
        user_id=UUID(str(user["id"])),
        roles=roles,
    )


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires: float
    principal: Principal


class Identity:
    def __init__(
        self,
        access: AccessStore,
        users: UserDirectory,
        *,
        session_minutes: float,
        oidc_cache_seconds: float = 0.0,
        password_cost: str = "standard",
    ) -> None:
        self.access = access
        self.users = users
        self.passwords = Passwords(access.db, password_cost)
        self.sessions = Sessions(access.db)
        self.session_seconds = session_minutes * 60
        self._principals: dict[str, tuple[float, Principal | None]] = {}
        self.oidc_cache_seconds = oidc_cache_seconds
        #: verified provider tokens: sha-256 of the token → (until, monotonic; principal)
        self._provider_tokens: dict[str, tuple[float, Principal]] = {}

    def cached(self, token: str) -> Principal | bool | None:
        """As :meth:`AccessStore.cached`, for either kind of token."""
        if not token.startswith(PREFIX):
            return self.access.cached(token)
        hit = self._principals.get(digest(token))
        if hit is None or hit[0] < time.monotonic():
            return False
        return hit[1]

    def authenticate(self, token: str) -> Principal | None:
        if not token.startswith(PREFIX):
            return self.access.authenticate(token)
        principal = self._from_session(token)
        self._principals[digest(token)] = (time.monotonic() + TOKEN_CACHE_SECONDS, principal)
        return principal

    def _from_session(self, token: str) -> Principal | None:
        session = self.sessions.find(token)
        if session is None:
            return None
        try:
            user = self.users.get_user(session.user_id)
        except NotFound:
            return None
        return principal_of(user, session.session_id)

    def sign_in(self, user_id: UUID, password: str, code: str | None = None) -> SignedIn:
        """Checks the password (and TOTP code) and starts a session; raises
        :class:`~hub.identity.passwords.SignInRefused` (or ``LockedOut``)."""
        try:
            user: dict[str, Any] | None = self.users.get_user(user_id)
        except NotFound:
            user = None
        try:
            self.passwords.verify(user_id if user else None, password, code)
            principal = principal_of(user, "") if user else None
            if principal is None:
                raise SignInRefused("sign-in refused")
        except SignInRefused as refused:  # LockedOut too: counted by its rule
            metrics.sign_in_failures.labels(refused.rule).inc()
            raise
        return self.start_session(principal)

    def start_session(self, principal: Principal) -> SignedIn:
        """A session for an official the caller has authenticated (by password here, or at
        the identity provider); only an official known to the hub has one."""
        if principal.kind != PrincipalKind.USER or principal.user_id is None:
            raise SignInRefused("no official of the hub to start a session for")
        started = self.sessions.start(principal.user_id, self.session_seconds)
        signed_in = replace(principal, token_id=started.session.session_id)
        return SignedIn(started.token, started.session.expires, signed_in)

    def sign_out(self, principal: Principal) -> None:
        """Ends the principal's session (a machine token is revoked by an administrator)."""
        if principal.kind == PrincipalKind.USER:
            self.sessions.end(principal.token_id)
            self._principals.clear()

    def user_disabled(self, user_id: UUID) -> None:
        """Ends every session of a disabled official, at once in this process."""
        self.sessions.end_all(user_id)
        self._forget()

    def roles_changed(self) -> None:
        self._forget()

    def _forget(self) -> None:
        self._principals.clear()
        self._provider_tokens.clear()

    def principal_for_user(self, user_id: UUID, token_id: str) -> Principal | None:
        """The principal of an official the caller has authenticated some other way (for
        instance a verified OpenID Connect token mapped by external id)."""
        try:
            return principal_of(self.users.get_user(user_id), token_id)
        except NotFound:
            return None

    def principal_for_provider(self, vouched: OidcIdentity) -> Principal:
        """Who an official the identity provider vouches for is in the hub.

        The official whose external id is the provider's subject (``sub``): their agency and
        roles are the hub's, and a disabled official is refused. Only when no official has
        that external id do the provider's own claims decide (agency attribute and realm
        roles, :func:`hub.identity.oidc.principal_of`); such a principal names no user, so it
        does none of the steps that need a named official (approvals, meetings).
        """
        from hub.identity.oidc import TokenRefused
        from hub.identity.oidc import principal_of as provider_principal

        user_id = self.users.user_id_for_external_id(vouched.subject)
        if user_id is None:
            return provider_principal(vouched)
        principal = self.principal_for_user(user_id, f"oidc:{vouched.subject}")
        if principal is None:
            raise TokenRefused("user-disabled", "the official is disabled in the hub")
        return principal

    def principal_for_oidc(self, oidc: OidcVerifier, token: str) -> Principal:
        """The principal of a provider's bearer JWT: verified, then mapped as
        :meth:`principal_for_provider` says."""
        from hub.identity.oidc import identity_from_claims

        key, now = digest(token), time.monotonic()
        hit = self._provider_tokens.get(key)
        if hit is not None and now < hit[0]:
            return hit[1]
        claims = oidc.verify(token)
        vouched = identity_from_claims(
            claims, agency_claim=oidc.config.agency_claim, roles_claim=oidc.config.roles_claim
        )
        principal = self.principal_for_provider(vouched)
        # remembered a few seconds, never past the token's own expiry
        keep = min(self.oidc_cache_seconds, float(claims["exp"]) - time.time())
        if keep > 0:
            if len(self._provider_tokens) >= MAX_REMEMBERED_TOKENS:
                self._provider_tokens = {
                    k: v for k, v in self._provider_tokens.items() if now < v[0]
                }
                if len(self._provider_tokens) >= MAX_REMEMBERED_TOKENS:
                    self._provider_tokens.clear()
            self._provider_tokens[key] = (now + keep, principal)
        return principal
