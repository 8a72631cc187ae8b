"""The embedded AWS: a moto server on 127.0.0.1 with Step Functions execution on and Lambda in-process."""

from __future__ import annotations

import json
import os
import socket
import urllib.request
from typing import Any

import boto3
from botocore.config import Config

from cdp.local.invoker import InProcessInvoker

REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedAws:
    """A ThreadedMotoServer bound to 127.0.0.1 only, set up so that template.yaml runs on it.

    moto's Step Functions tasks call Lambda at `localhost:$MOTO_PORT`, so MOTO_PORT is set to the
    server's port before anything starts an execution.
    """

    def __init__(self, region: str = REGION) -> None:
        self.region = region
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self.invoker = InProcessInvoker()
        self._server: Any = None
        self._saved_env: dict[str, str] | None = None
        self._clients: dict[str, Any] = {}

    def start(self) -> EmbeddedAws:
        """Start the server, switch on state machine execution and hook the in-process invoker."""
        from moto.server import ThreadedMotoServer

        self._saved_env = dict(os.environ)
        os.environ.update(CREDENTIALS)
        os.environ.update(
            {"AWS_DEFAULT_REGION": self.region, "AWS_REGION": self.region, "MOTO_PORT": str(self.port)}
        )
        self.invoker.base_environment = {
            **CREDENTIALS,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
        self.invoker.install()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        # moto keeps its state per process: start from nothing, even after another stack in this process.
        self._moto_api("reset")
        self._moto_api("config", {"stepfunctions": {"execute_state_machine": True}})
        return self

    def _moto_api(self, action: str, body: dict[str, Any] | None = None) -> None:
        request = urllib.request.Request(
            f"{self.endpoint_url}/moto-api/{action}",
            data=json.dumps(body or {}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).read()  # noqa: S310 - our own loopback server

    def client(self, service: str) -> Any:
        """A boto3 client for the embedded server (one per service: clients are thread-safe)."""
        if service not in self._clients:
            self._clients[service] = self._new_client(service)
        return self._clients[service]

    def _new_client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=Config(retries={"max_attempts": 2}, read_timeout=900),
        )

    def stop(self) -> None:
        """Stop the server and restore the environment."""
        if self._server is not None:
            self._moto_api("reset")
            self._server.stop()
            self._server = None
        if self._saved_env is not None:
            os.environ.clear()
            os.environ.update(self._saved_env)
            self._saved_env = None

    def __enter__(self) -> EmbeddedAws:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
