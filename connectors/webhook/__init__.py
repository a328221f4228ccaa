"""The webhook connector: each feed record POSTed, signed, to the agency's URL; answers back.

:mod:`~connectors.webhook.signing` signs and verifies (agencies' receivers use
:func:`~connectors.webhook.signing.verify` too); :mod:`~connectors.webhook.forwarder` is the
connector that POSTs records; :mod:`~connectors.webhook.callback` is the small HTTP server
that takes the agency's answers and forwards them to the reply sink.
"""
