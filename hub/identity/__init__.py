"""Who the officials are and how they sign in: users, sessions, machine tokens, OpenID Connect.

- :mod:`hub.identity.passwords`: local passwords (argon2 through ``pwdlib``), optional TOTP
  (``pyotp``), back-off after repeated failures; kept in the access store, never in the log;
- :mod:`hub.identity.sessions`: short-lived session tokens, revoked at sign-out;
- :mod:`hub.identity.service`: turns a bearer token into a principal and signs officials in;
- :mod:`hub.identity.acting`: the principal a command acts for, stamped on its events;
- :mod:`hub.identity.oidc`: bearer JWTs from the organisation's identity provider (OpenID
  Connect), verified against its keys; :mod:`hub.identity.oidc_login`: the browser's
  authorization code + PKCE sign-in.

The :class:`~hub.access.principal.Principal` every request acts as (user id, agency, roles,
name, kind) is the access layer's (:mod:`hub.access.principal`). The officials themselves
(their agency, name, staff number and roles) are events in the log: :mod:`domain.officials`.
"""
