"""Exponential backoff with jitter, for everything the connector retries.

The n-th retry waits between half and all of ``min(cap, base * 2**n)`` seconds (equal
jitter), so many connectors retrying one hub do not hammer it in step, and the waits still
grow. Waiting is on a :class:`threading.Event`, so a stop request ends a wait at once.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base: float = 0.5
    cap: float = 60.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0 for the first retry)."""
        ceiling: float = min(self.cap, self.base * 2.0 ** min(attempt, 32))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def wait(self, attempt: int, stop: threading.Event | None = None) -> bool:
        """Waits before retry ``attempt``; ``True`` if ``stop`` was set meanwhile."""
        event = stop or threading.Event()
        return event.wait(self.delay(attempt))
