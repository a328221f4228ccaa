"""The Kafka clients' selector: the standard one, without a socket's repr on a miss."""

from __future__ import annotations

import selectors
import socket

import pytest

from hub.eventlog.config import LogConfig, QuietSelector


class Loud(socket.socket):
    """A socket that counts how often it is put into words."""

    worded = 0

    def __repr__(self) -> str:
        Loud.worded += 1
        return super().__repr__()


def test_a_socket_not_watched_is_a_bare_key_error_and_a_watched_one_is_found() -> None:
    left, right = socket.socketpair()
    watched = Loud(fileno=left.detach())
    unwatched = Loud(fileno=right.detach())
    selector = QuietSelector()
    try:
        Loud.worded = 0
        with pytest.raises(KeyError):
            selector.get_key(unwatched)
        assert Loud.worded == 0
        selector.register(watched, selectors.EVENT_READ, "data")
        key = selector.get_key(watched)
        assert key.fileobj is watched and key.data == "data"
        assert key == selectors.DefaultSelector.get_key(selector, watched)
        selector.modify(watched, selectors.EVENT_READ | selectors.EVENT_WRITE, "both")
        assert selector.get_key(watched).events == selectors.EVENT_READ | selectors.EVENT_WRITE
        selector.unregister(watched)
        with pytest.raises(KeyError):
            selector.get_key(watched)
        assert Loud.worded == 0
    finally:
        selector.close()
        watched.close()
        unwatched.close()
    with pytest.raises(RuntimeError, match="closed"):
        selector.get_key(watched)


def test_every_client_of_the_log_is_given_it() -> None:
    config = LogConfig(bootstrap_servers="127.0.0.1:9", topic="t", replica_path="r", local_path="l")
    assert config.client_options()["selector"] is QuietSelector
