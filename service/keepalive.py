"""Spread keep-alive connections over the server workers: every connection is closed
(`Connection: close` on a response) after `MAX_REQUESTS` requests, as nginx's
`keepalive_requests` does, and the caller reconnects.

Why: the workers of `sohoa serve --workers W` accept from one shared socket, and a worker
that wakes first takes every connection waiting at that moment. A caller opening its pool
at once (wrk's 20 connections) ended 18 on one worker and 2 on the other, for the whole
run: one worker took 90% of the requests on one core while the other idled, and that
worker's queue was the p99. A reconnect is accepted by whichever worker is waiting in its
event loop, i.e. the less busy one, so recycling connections keeps moving them towards the
idle worker. How long a bad split lasts is how long a connection lives: with 20 requests
(2 s at 10 requests/s per connection) every connection of a run's first 2 s sat on one
worker; with 5, the first 0.5 s. The cost is one TCP handshake per `MAX_REQUESTS`
requests (server CPU per request 4.68 ms with 5, within the 4.7-5.4 ms seen with 20).
"""

from __future__ import annotations

from typing import Any

MAX_REQUESTS = 5
_MAX_TRACKED = 10_000  # connections closed by the caller leave an entry; forget them all then


class ConnectionRecycler:
    """ASGI middleware: counts requests per connection (its client address and port) and
    asks for the connection to be closed on the `max_requests`-th response."""

    def __init__(self, app: Any, max_requests: int = MAX_REQUESTS) -> None:
        self.app = app
        self.max_requests = max_requests
        self._served: dict[tuple[str, int], int] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or not client or scope.get("http_version") == "2":
            await self.app(scope, receive, send)
            return
        key = (client[0], client[1])
        served = self._served.get(key, 0) + 1
        if served < self.max_requests:
            if len(self._served) >= _MAX_TRACKED:
                self._served.clear()
            self._served[key] = served
            await self.app(scope, receive, send)
            return
        self._served.pop(key, None)

        async def send_closing(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ())
                           if k.lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)
