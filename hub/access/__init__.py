"""Who may call the hub and what they read: tokens and roles (``tokens``), and the reads of
personal data recorded in the log before they are answered (``read_log``).

Idempotent POSTs' answers live in :mod:`hub.idempotency`, outside this package: their
aggregate's topic (``hub.idempotency:IdempotentAnswer``) is written in every log.
"""
