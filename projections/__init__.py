"""Read models: views that follow the hub's log, in SQLite or PostgreSQL.

See ``docs/projections.md``. Nothing here connects or starts threads at import time.
"""
