"""Credentials to principals: machine tokens, session tokens, and local sign-in.

:class:`Identity` is what the API's gate and dependencies ask "who is this?". A machine token
(``hub_…``) is answered by the access store; a session token (``hs_…``) by its session and the
official it belongs to, read from the log, so a disabled official or a changed role counts at
once in this process (and within ``TOKEN_CACHE_SECONDS`` in others). An official whose roles
have been removed or who is disabled has no principal.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, Protocol
from uuid import UUID

from domain.errors import NotFound
from hub.access.principal import Principal, PrincipalKind, access_role
from hub.access.tokens import TOKEN_CACHE_SECONDS, AccessStore
from hub.identity.passwords import Passwords, SignInRefused
from hub.identity.sessions import PREFIX, Sessions, digest


class UserDirectory(Protocol):
    """What identity reads of the log: an official by id (see :mod:`hub.commands.users`)."""

    def get_user(self, user_id: UUID) -> dict[str, Any]: ...


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
        self, access: AccessStore, users: UserDirectory, *, session_minutes: float
    ) -> None:
        self.access = access
        self.users = users
        self.passwords = Passwords(access.db)
        self.sessions = Sessions(access.db)
        self.session_seconds = session_minutes * 60
        self._principals: dict[str, tuple[float, Principal | None]] = {}

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
        self.passwords.verify(user_id if user else None, password, code)
        principal = principal_of(user, "") if user else None
        if principal is None:
            raise SignInRefused("sign-in refused")
        started = self.sessions.start(user_id, self.session_seconds)
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
        self._principals.clear()

    def roles_changed(self) -> None:
        self._principals.clear()

    def principal_for_user(self, user_id: UUID, token_id: str) -> Principal | None:
        """The principal of an official the caller has authenticated some other way (for
        instance a verified OpenID Connect token mapped by external id)."""
        try:
            return principal_of(self.users.get_user(user_id), token_id)
        except NotFound:
            return None
