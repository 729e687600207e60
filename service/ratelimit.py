"""Per-client token buckets (in process). With W server workers each worker holds its own
bucket, so `sohoa serve` divides each client's rate and burst by W: the limit holds across
workers on average, without a shared store on the hot path."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from service.errors import RateLimited


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    def __init__(self, share: float = 1.0) -> None:
        self.share = share  # this process's share of each client's limit (1/W)
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key_id: str, rate_per_second: float, burst: int) -> None:
        """Spend one token or raise RateLimited with the seconds until one is back."""
        rate = max(rate_per_second * self.share, 1e-6)
        capacity = max(burst * self.share, 1.0)
        now = time.monotonic()
        with self._lock:
            b = self._buckets.get(key_id)
            if b is None:
                b = self._buckets[key_id] = _Bucket(tokens=capacity, at=now)
            b.tokens = min(capacity, b.tokens + (now - b.at) * rate)
            b.at = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return
            wait = (1.0 - b.tokens) / rate
        raise RateLimited(f"rate limit of {rate_per_second:g} requests/s exceeded",
                          retry_after=wait)
