"""What both persistence modules' factories share in the library's factory conformance suite.

Both keep aggregates and tracking in the library's SQLite recorders (the embedded log in its
file, the Kafka log in its replica); only their application and process recorders differ.
"""

from __future__ import annotations

from eventsourcing.persistence import AggregateRecorder, TrackingRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteTrackingRecorder


class SQLiteAggregatesAndTracking:
    """Mixed into an ``InfrastructureFactoryTestCase`` subclass, before it."""

    def expected_aggregate_recorder_class(self) -> type[AggregateRecorder]:
        return SQLiteAggregateRecorder

    def expected_tracking_recorder_class(self) -> type[TrackingRecorder]:
        return SQLiteTrackingRecorder

    class TrackingRecorderSubclass(SQLiteTrackingRecorder):
        pass

    def tracking_recorder_subclass(self) -> type[TrackingRecorder]:
        return self.TrackingRecorderSubclass
