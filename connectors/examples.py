"""Ready-made SDK connectors, and the shape of one to copy.

``hub-connector run connectors.examples:AutoReceive`` acknowledges every new referral to the
agency at once (接收), so the requester sees it arrived; staff accept or reject it later.
"""

from __future__ import annotations

from collections.abc import Iterator

from connectors.records import FeedRecord, Reply
from connectors.runtime import Connector


class AutoReceive(Connector):
    """Answers ``receive`` to each ``referral.requested`` record addressed to this agency."""

    #: the note its replies carry (who acted is the agency's connector, proved by its token)
    on_behalf_of = "hub-connector auto-receive"

    def handle(self, record: FeedRecord) -> Iterator[Reply]:
        if record.incoming and record.data.get("status") == "requested":
            yield record.reply("receive", on_behalf_of=self.on_behalf_of)
