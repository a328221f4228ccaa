"""HMAC-SHA256 signatures of webhook requests, both ways (hub → agency, agency → callback).

The signature covers ``timestamp + "." + body`` (the exact bytes sent), with the secret
shared between the hub's connector and the agency. Headers::

    X-Hub-Timestamp: 1764386400                 (Unix seconds)
    X-Hub-Signature: sha256=<hex digest>

A receiver calls :func:`verify` with the raw body and those two headers; it refuses a
request whose signature does not match, or whose timestamp is more than ``max_age`` seconds
off its clock (either way), so a captured request cannot be replayed later.

This module needs only the standard library; an agency may copy it as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Hub-Timestamp"
SIGNATURE_HEADER = "X-Hub-Signature"
DEFAULT_MAX_AGE = 300


class InvalidSignature(Exception):
    """The request is not signed with the shared secret, or its timestamp is too far off."""


def _key(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def sign(secret: str | bytes, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``b"<timestamp>." + body``."""
    digest = hmac.new(_key(secret), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(secret: str | bytes, body: bytes, now: float | None = None) -> dict[str, str]:
    """The two headers to send with ``body``."""
    timestamp = int(time.time() if now is None else now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify(
    secret: str | bytes,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    max_age: int = DEFAULT_MAX_AGE,
    now: float | None = None,
) -> None:
    """Raises :class:`InvalidSignature` unless ``signature`` signs ``body`` at ``timestamp``
    and the timestamp is within ``max_age`` seconds of now."""
    if not timestamp or not signature:
        raise InvalidSignature("the timestamp or signature header is missing")
    try:
        stamp = int(timestamp)
    except ValueError:
        raise InvalidSignature("the timestamp is not a number of seconds") from None
    if abs((time.time() if now is None else now) - stamp) > max_age:
        raise InvalidSignature("the timestamp is too old or too far ahead")
    if not hmac.compare_digest(sign(secret, stamp, body), signature.strip()):
        raise InvalidSignature("the signature does not match")


def verify_headers(
    secret: str | bytes,
    body: bytes,
    headers: Mapping[str, str],
    max_age: int = DEFAULT_MAX_AGE,
    now: float | None = None,
) -> None:
    """:func:`verify` reading the two headers from a case-insensitive mapping of headers."""
    verify(secret, body, headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER), max_age, now)
