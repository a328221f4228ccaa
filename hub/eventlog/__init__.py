"""Persistence modules of the hub: the event log on SQLite (embedded) and on Kafka."""
