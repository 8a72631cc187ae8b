"""A local API Gateway: REST proxy events to the template's Lambda integrations, on 127.0.0.1 only.

Routes come from the deployed API's Swagger body; each request becomes an API Gateway (REST, v1)
proxy event and is invoked through the emulator's Lambda API, like `sam local start-api` does.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from cdp.local.emulator import free_port


class LocalApiGateway:
    """Serves the routes of one stage on http://127.0.0.1:<port>/<stage>/..."""

    def __init__(
        self,
        routes: Sequence[dict[str, Any]],
        api_keys: Sequence[str],
        lambda_client: Any,
        stage: str = "prod",
    ) -> None:
        self._routes = [
            {
                **route,
                "pattern": re.compile("^" + re.sub(r"\{(\w+)\+?\}", r"(?P<\1>[^/]+)", route["path"]) + "$"),
            }
            for route in routes
        ]
        self._keys = set(api_keys)
        self._lambda = lambda_client
        self.stage = stage
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/{stage}"
        self._server = make_server("127.0.0.1", self.port, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LocalApiGateway:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def _event(
        self, request: Request, route: dict[str, Any], path: str, params: dict[str, str]
    ) -> dict[str, Any]:
        body = request.get_data()
        text = body.decode("utf-8", errors="strict") if body else None
        return {
            "resource": route["path"],
            "path": path,
            "httpMethod": request.method,
            "headers": dict(request.headers.items()),
            "multiValueHeaders": {k: request.headers.getlist(k) for k, _ in request.headers.items()},
            "queryStringParameters": dict(request.args.items()) or None,
            "multiValueQueryStringParameters": {k: request.args.getlist(k) for k in request.args} or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route["path"],
                "httpMethod": request.method,
                "path": f"/{self.stage}{path}",
                "stage": self.stage,
                "requestId": str(uuid.uuid4()),
                "requestTimeEpoch": int(time.time() * 1000),
                "identity": {"sourceIp": request.remote_addr, "apiKey": request.headers.get("x-api-key")},
                "accountId": "123456789012",
                "apiId": "local",
            },
            "body": text,
            "isBase64Encoded": False,
        }

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        prefix = f"/{self.stage}"
        if not request.path.startswith(prefix + "/"):
            return _json(404, {"message": "Not Found"})
        path = request.path[len(prefix) :]
        for route in self._routes:
            match = route["pattern"].match(path)
            if not match or route["method"] != request.method:
                continue
            if route["api_key_required"] and request.headers.get("x-api-key") not in self._keys:
                return _json(403, {"message": "Forbidden"})
            try:
                event = self._event(request, route, path, match.groupdict())
            except UnicodeDecodeError:
                return _json(400, {"message": "body is not UTF-8"})
            result = self._lambda.invoke(
                FunctionName=route["function_arn"], Payload=json.dumps(event).encode()
            )
            payload = json.loads(result["Payload"].read() or b"{}")
            if result.get("FunctionError"):
                return _json(502, {"message": "Internal server error"})
            body = payload.get("body") or ""
            data = base64.b64decode(body) if payload.get("isBase64Encoded") else body.encode()
            headers = [
                (k, v) for k, values in (payload.get("multiValueHeaders") or {}).items() for v in values
            ]
            headers += list((payload.get("headers") or {}).items())
            return Response(data, status=payload.get("statusCode", 200), headers=headers)
        return _json(404, {"message": "Missing Authentication Token"})


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
