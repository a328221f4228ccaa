"""Log lines keep a failure's cause without quoting the record being handled."""

from __future__ import annotations

from kafka.errors import KafkaTimeoutError

from hub.eventlog.errors import LogUnavailable, describe_cause


def raised(error: Exception) -> Exception:
    try:
        raise error
    except Exception as caught:
        return caught


def test_broker_and_log_errors_keep_their_message() -> None:
    assert describe_cause(KafkaTimeoutError("no broker in 5 s")) == (
        "KafkaTimeoutError: KafkaTimeoutError: no broker in 5 s"
    )
    assert describe_cause(ConnectionRefusedError("refused")) == "ConnectionRefusedError: refused"
    assert describe_cause(LogUnavailable("log away")) == "LogUnavailable: log away"


def test_other_errors_give_their_type_and_place_never_their_message() -> None:
    cause = describe_cause(raised(ValueError("张三 110101199003071233")))
    assert cause.startswith("ValueError at test_describe_cause.py:")
    assert "张三" not in cause and "1101" not in cause
    assert describe_cause(KeyError("name")) == "KeyError"  # never raised: no place
