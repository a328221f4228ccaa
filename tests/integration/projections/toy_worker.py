"""A projection worker process for the toy view, for tests that kill it.

``python -m tests.integration.projections.toy_worker VIEWS_URL SCHEMA DELAY BATCH``; the log
is chosen by the environment (``PERSISTENCE_MODULE`` …). Stops cleanly on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from projections.runner import Runner
from projections.stores import open_store
from tests.integration.projections.toy import Tallies, ToyApp


def main() -> None:
    url, schema, delay, batch = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    Tallies.delay = delay
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    app = ToyApp(env=dict(os.environ))
    store = open_store(url, schema=schema or None)
    try:
        Runner(app, store, [Tallies], batch_size=batch).run(stop)
    finally:
        store.close()
        app.close()


if __name__ == "__main__":
    main()
