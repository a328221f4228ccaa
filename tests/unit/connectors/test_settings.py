"""Connector settings: read from HUB_CONNECTOR_* with their defaults, flags over them."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.errors import ConfigurationError
from connectors.settings import ConnectorSettings


def test_environment_values_are_converted_and_flags_win() -> None:
    env = {
        "HUB_CONNECTOR_AGENCY_ID": "a1",
        "HUB_CONNECTOR_TRANSPORT": "kafka",
        "HUB_CONNECTOR_MAX_ATTEMPTS": "7",
        "HUB_CONNECTOR_POLL_WAIT": "2.5",
        "HUB_CONNECTOR_STATE_DIR": "/var/lib/connector",
        "HUB_CONNECTOR_TOPIC_PREFIX": "",
    }
    s = ConnectorSettings.from_env(env, transport="http", hub_url=None)
    assert (s.agency_id, s.transport, s.max_attempts, s.poll_wait) == ("a1", "http", 7, 2.5)
    assert s.state_dir == Path("/var/lib/connector")
    assert s.topic_prefix == "hub"  # empty means unset
    assert s.agency_topic == "hub.agency.a1" and s.dead_letter_topic == "hub.agency.a1.dlq"
    assert s.replies_topic == "hub.replies.a1"  # the agency's own: its identity to the hub


def test_a_value_of_the_wrong_type_is_named() -> None:
    with pytest.raises(ConfigurationError, match="HUB_CONNECTOR_MAX_ATTEMPTS"):
        ConnectorSettings.from_env({"HUB_CONNECTOR_MAX_ATTEMPTS": "many"})


def test_missing_required_settings_are_named() -> None:
    with pytest.raises(ConfigurationError, match="HUB_CONNECTOR_AGENCY_ID, HUB_CONNECTOR_TOKEN"):
        ConnectorSettings().require("agency_id", "token")
