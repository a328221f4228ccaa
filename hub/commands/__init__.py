"""The Application's commands grouped by aggregate, and its reads (``queries``) beside them.

``base`` is what they share; ``registry``, ``persons``, ``cases``, ``referrals`` and ``audit``
change the log; ``queries`` reads it (a case file, a referral, histories, agencies); ``links``
indexes which referrals and cases belong to whom. :class:`hub.app.ReliefHub` combines them.
"""
