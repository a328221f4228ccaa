"""The real projection worker as a process, slowed down per event, for tests that kill it.

``python -m tests.integration.projections.hub_worker VIEWS_URL SCHEMA DELAY BATCH``; the hub's
data directory is ``HUB_DATA_DIR`` and the log is chosen by the environment. Stops on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from hub.bootstrap import build_hub
from hub.settings import Settings
from projections import worker
from projections.stores import open_store
from projections.view import View


def main() -> None:
    url, schema, delay, batch = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    if delay:
        apply = View.apply

        def slow(self: View, tx: Any, event: Any) -> None:
            time.sleep(delay)
            apply(self, tx, event)

        View.apply = slow  # type: ignore[method-assign]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    hub = build_hub(Settings(data_dir=Path(os.environ["HUB_DATA_DIR"])), dict(os.environ))
    store = open_store(url, schema=schema or None)
    try:
        worker.run(hub, store, stop, batch_size=batch)
    finally:
        store.close()
        hub.close()


if __name__ == "__main__":
    main()
