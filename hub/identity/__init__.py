"""Who acts: officials signed in as themselves, connectors with machine tokens, break-glass.

- :mod:`hub.identity.passwords`: local passwords (argon2 through ``pwdlib``), optional TOTP
  (``pyotp``), back-off after repeated failures; kept in the access store, never in the log;
- :mod:`hub.identity.sessions`: short-lived session tokens, revoked at sign-out;
- :mod:`hub.identity.service`: turns a bearer token into a principal and signs officials in;
- :mod:`hub.identity.acting`: the principal a command acts for, stamped on its events.

The :class:`~hub.access.principal.Principal` every request acts as (user id, agency, roles,
name, kind) is the access layer's (:mod:`hub.access.principal`). The officials themselves
(their agency, name, staff number and roles) are events in the log: :mod:`domain.officials`.
"""
