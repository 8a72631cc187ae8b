"""HttpTransport over the standard library (no extra dependency in the Lambda layer)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping

from cdp.ports import HttpResponse


class UrllibTransport:
    """POSTs with urllib; HTTP error statuses are returned, not raised."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> HttpResponse:
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - URL from config
                return HttpResponse(response.status, dict(response.headers.items()), response.read())
        except urllib.error.HTTPError as error:
            return HttpResponse(error.code, dict(error.headers.items()), error.read())
