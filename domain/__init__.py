"""The relief domain: agencies, linkage mechanisms, persons, aid cases and referrals.

Pure Python on the ``eventsourcing`` domain model. No I/O happens here; every broken rule
raises a :class:`domain.errors.DomainError` that names the rule.
"""
