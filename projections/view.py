"""The base of every projection: an ``eventsourcing`` Projection over one table version.

A view names its tables and their DDL with ``{logical}`` names, and marks its handlers with
:func:`handles`. An instance is bound to one table version (``referrals`` → ``referrals_v3``,
``agencies`` → ``referrals_agencies_v3``)
and tracks its position under its own key (``referrals_v3``), so a rebuild into a new
version never disturbs the version readers are using.

:meth:`View.process_event` handles one event in one transaction (the library's
``Projection`` contract); the runner uses :meth:`View.apply_batch` to handle many events and
record the last position in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from projections.store import Tx, ViewStore

Handler = Callable[[Any, Tx, Any], None]


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Marks a method of a view as the handler of these event classes."""

    def mark(method: Handler) -> Handler:
        method.__dict__.setdefault("_handles", []).extend(event_classes)
        return method

    return mark


class View(Projection[ViewStore]):
    """One read model. Subclasses set ``name``, ``code_version``, ``tables`` and handlers."""

    name = ""
    #: bump when the handlers change what they write; a worker only writes the versions
    #: that were built by its own code version
    code_version: ClassVar[int] = 1
    #: logical table name → its DDL statements (portable SQL; ``{logical}`` table names and
    #: ``{p}``, the view's name and version, in front of index names)
    tables: ClassVar[dict[str, list[str]]] = {}
    _handlers: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for event_class in getattr(value, "_handles", ()):
                    handlers[get_topic(event_class)] = attr
        cls._handlers = handlers
        cls.topics = tuple(sorted(handlers))

    def __init__(self, view: ViewStore, version: int) -> None:
        super().__init__(view)
        self.version = version
        self.t = {logical: view.table_name(self.physical(logical)) for logical in self.tables}
        self.t["p"] = f"{self.name}_v{version}"  # prefix of index names: ``{p}_x_y ON {x}``

    def physical(self, logical: str) -> str:
        """``referrals`` → ``referrals_v2``; ``agencies`` → ``referrals_agencies_v2``."""
        if logical == self.name:
            return f"{self.name}_v{self.version}"
        return f"{self.name}_{logical}_v{self.version}"

    @property
    def tracking_key(self) -> str:
        return f"{self.name}_v{self.version}"

    @classmethod
    def handles_topic(cls, topic: str) -> bool:
        return topic in cls._handlers

    def create_tables(self) -> None:
        self.view.run_ddl(self.t, [ddl for ddls in self.tables.values() for ddl in ddls])

    def drop_tables(self) -> None:
        self.view.run_ddl(self.t, [f"DROP TABLE IF EXISTS {{{name}}}" for name in self.tables])

    def position(self) -> int | None:
        """The last notification id this table version has seen."""
        return self.view.max_tracking_id(self.tracking_key)

    def apply(self, tx: Tx, domain_event: Any) -> None:
        method = self._handlers.get(get_topic(type(domain_event)))
        if method is not None:
            getattr(self, method)(tx, domain_event)

    def apply_batch(self, events: Sequence[tuple[int, Any]], last_id: int) -> None:
        """Applies ``(notification_id, event)`` pairs and tracks ``last_id``, atomically."""

        def apply_all(tx: Tx, seen: int | None) -> None:
            for notification_id, domain_event in events:
                if seen is None or notification_id > seen:
                    self.apply(tx, domain_event)

        self.view.write(self.t, Tracking(self.tracking_key, last_id), apply_all)

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.apply_batch([(tracking.notification_id, domain_event)], tracking.notification_id)

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self.view.read(self.t, sql, params)
