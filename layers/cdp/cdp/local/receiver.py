"""An HTTP receiver on 127.0.0.1 that plays an external tool: it checks signatures, drops duplicate
batches by Idempotency-Key, and answers 429 or 500 on demand so retries can be seen working."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from cdp.local.emulator import free_port


@dataclass
class Received:
    """Everything the receiver saw."""

    requests: int = 0
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    duplicates: int = 0
    rejected_signatures: int = 0
    failures_sent: list[int] = field(default_factory=list)

    def records(self, action: str | None = None) -> list[dict[str, Any]]:
        """Records of accepted batches, optionally only those of one action (add/remove)."""
        return [r for b in self.batches.values() if action in (None, b["action"]) for r in b["records"]]


class WebhookReceiver:
    """Listens on http://127.0.0.1:<port>/hooks/<name>."""

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.received = Received()
        self._failures: deque[int] = deque()
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", self.port, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def fail_next(self, *statuses: int) -> None:
        """Answer the next requests with these statuses (e.g. 429, 500) before accepting again."""
        with self._lock:
            self._failures.extend(statuses)

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self._handle(Request(environ))(environ, start_response)

    def _handle(self, request: Request) -> Response:
        body = request.get_data()
        with self._lock:
            self.received.requests += 1
            if self._failures:
                status = self._failures.popleft()
                self.received.failures_sent.append(status)
                headers = {"Retry-After": "0"} if status == 429 else {}
                return Response(json.dumps({"error": status}), status=status, headers=headers)
            if self.secret is not None:
                timestamp = request.headers.get("X-CDP-Timestamp", "")
                expected = (
                    "sha256="
                    + hmac.new(
                        self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                    ).hexdigest()
                )
                if not hmac.compare_digest(expected, request.headers.get("X-CDP-Signature", "")):
                    self.received.rejected_signatures += 1
                    return Response('{"error": "bad signature"}', status=401)
            key = request.headers.get("Idempotency-Key", "")
            if key in self.received.batches:
                self.received.duplicates += 1
                return Response('{"status": "duplicate"}', status=200)
            self.received.batches[key] = json.loads(body)
            return Response('{"status": "accepted"}', status=202)
