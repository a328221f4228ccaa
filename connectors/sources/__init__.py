"""Where feed records come from: the :class:`FeedSource` interface and its two drivers.

:class:`~connectors.sources.kafka.KafkaFeedSource` reads ``{prefix}.agency.<agency_id>``;
:class:`~connectors.sources.http.HttpFeedSource` long-polls the hub's feed endpoint. The
runtime works on either unchanged.
"""

from connectors.sources.base import FeedSource

__all__ = ["FeedSource"]
