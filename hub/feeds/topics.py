"""The Kafka topics of the agency feeds: their names, and creating them when first needed.

``{prefix}.agency.<agency_id>`` carries the router's feed records to one agency (and
``….dlq`` the records its connector gave up on); ``{prefix}.replies.<agency_id>`` carries the
agency's answers back, ``{prefix}.replies.dlq`` the answers the hub could not apply and
``{prefix}.replies.dlq.resolved`` the dead letters an operator retried.
"""

from __future__ import annotations

import contextlib
from uuid import UUID

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError


def agency_topic(prefix: str, agency_id: str) -> str:
    return f"{prefix}.agency.{agency_id}"


def dead_letter_topic(topic: str) -> str:
    """Where the agency's connector puts the records of ``topic`` it gave up on."""
    return f"{topic}.dlq"


class Topics:
    """Creates topics the first time they are needed (kept forever, like the log).

    Replication factor -1 takes the broker's ``default.replication.factor`` (KIP-464): 3 in
    the production cluster, whose ``min.insync.replicas`` of 2 a one-replica topic could
    never satisfy for ``acks=all``.
    """

    def __init__(self, bootstrap: str, replication_factor: int = -1) -> None:
        self._admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="hub-router-admin")
        self._known: set[str] = set(self._admin.list_topics())
        self._replication = replication_factor

    def ensure(self, *names: str, compact: bool = False) -> None:
        """Creates each of ``names`` that does not exist yet (one partition, kept forever)."""
        configs = {"cleanup.policy": "compact"} if compact else {"retention.ms": "-1"}
        for name in names:
            if name in self._known:
                continue
            with contextlib.suppress(TopicAlreadyExistsError):
                self._admin.create_topics(
                    [NewTopic(name, 1, self._replication, topic_configs=configs)]
                )
            self._known.add(name)

    def close(self) -> None:
        self._admin.close()


def replies_topic(prefix: str, agency_id: UUID | str) -> str:
    """Where the agency writes its answers; no other credentials may write there."""
    return f"{prefix}.replies.{agency_id}"


def replies_dlq_topic(prefix: str) -> str:
    """Where the replies the hub cannot apply go, with the reason."""
    return f"{prefix}.replies.dlq"


def replies_resolved_topic(prefix: str) -> str:
    """Where retried dead letters are marked resolved (the DLQ itself is never rewritten)."""
    return f"{replies_dlq_topic(prefix)}.resolved"


def agency_of(prefix: str, topic: str) -> UUID | None:
    """The agency whose replies topic ``topic`` is; ``None`` for any other topic (``.dlq`` …)."""
    head = f"{prefix}.replies."
    if not topic.startswith(head):
        return None
    tail = topic[len(head) :]
    try:
        agency_id = UUID(tail)
    except ValueError:
        return None
    return agency_id if str(agency_id) == tail else None
