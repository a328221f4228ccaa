"""Which topic names are an agency's replies topic (the agency of a reply is its topic's)."""

from __future__ import annotations

import uuid

from hub.feeds.topics import agency_of, replies_resolved_topic, replies_topic


def test_only_an_agencys_replies_topic_names_an_agency() -> None:
    agency = uuid.uuid4()
    assert agency_of("hub", replies_topic("hub", agency)) == agency
    for topic in (
        "hub.replies",
        "hub.replies.dlq",
        replies_resolved_topic("hub"),
        f"hub.replies.{agency}.dlq",
        f"hub.replies.{str(agency).upper()}",
        f"hub.replies.{agency.hex}",
        f"other.replies.{agency}",
        f"hub.agency.{agency}",
    ):
        assert agency_of("hub", topic) is None, topic
