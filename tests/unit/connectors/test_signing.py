"""Webhook signatures: what verifies and what does not."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from connectors.webhook.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    InvalidSignature,
    sign,
    signed_headers,
    verify,
    verify_headers,
)

BODY = '{"referral_id": "r", "type": "referral.requested", "备注": "转介"}'.encode()
NOW = 1_764_386_400.0


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(b"s3cret", b"1764386400." + BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", 1764386400, BODY) == f"sha256={expected}"


def test_signed_headers_verify() -> None:
    headers = signed_headers("s3cret", BODY, now=NOW)
    assert headers[TIMESTAMP_HEADER] == "1764386400"
    verify_headers("s3cret", BODY, headers, now=NOW + 299)


@pytest.mark.parametrize(
    ("secret", "body", "now", "message"),
    [
        ("other", BODY, NOW, "does not match"),
        ("s3cret", BODY + b" ", NOW, "does not match"),
        ("s3cret", BODY, NOW + 301, "too old"),
        ("s3cret", BODY, NOW - 301, "too far ahead"),
    ],
)
def test_a_wrong_secret_a_changed_body_or_a_stale_timestamp_is_refused(
    secret: str, body: bytes, now: float, message: str
) -> None:
    headers = signed_headers("s3cret", BODY, now=NOW)
    with pytest.raises(InvalidSignature, match=message):
        verify_headers(secret, body, headers, now=now)


def test_a_changed_timestamp_breaks_the_signature() -> None:
    headers = signed_headers("s3cret", BODY, now=NOW)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify("s3cret", BODY, str(int(NOW) + 1), headers[SIGNATURE_HEADER], now=NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature"), [(None, "sha256=00"), ("1", None), ("x", "sha256=00")]
)
def test_missing_or_malformed_headers_are_refused(
    timestamp: str | None, signature: str | None
) -> None:
    with pytest.raises(InvalidSignature):
        verify("s3cret", BODY, timestamp, signature, now=NOW)
