"""The connector runtime: what runs at an agency, with nothing else of the hub.

An agency subclasses :class:`Connector` and implements ``handle(record)``; the runtime feeds
it the agency's records (from Kafka or from the hub's HTTP feed), sends the replies it returns
(to Kafka or to the hub's API) and moves the agency's position on only after both succeeded.
The webhook connector (:mod:`connectors.webhook`) and the batch-file connector
(:mod:`connectors.batch`) are built on the same parts. ``hub-connector`` is the console entry
point (:mod:`connectors.cli`); settings are read in one place (:mod:`connectors.settings`).

This package imports only the standard library, ``kafka-python``, ``orjson``, ``httpx``,
``openpyxl`` and, for its command line, ``typer``.
"""

from connectors.errors import ReplyRefused, Retryable
from connectors.records import FeedRecord, Outcome, Provision, Reply, idempotency_key
from connectors.runtime import Connector, Runner

__all__ = [
    "Connector",
    "FeedRecord",
    "Outcome",
    "Provision",
    "Reply",
    "ReplyRefused",
    "Retryable",
    "Runner",
    "idempotency_key",
]
