"""Where replies go: the :class:`ReplySink` interface and its two drivers.

:class:`~connectors.sinks.kafka.KafkaReplySink` produces to ``{prefix}.replies.<agency_id>``;
:class:`~connectors.sinks.http.HttpReplySink` posts to the hub's API.
"""

from connectors.sinks.base import ReplySink

__all__ = ["ReplySink"]
