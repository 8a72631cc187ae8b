"""Run Lambda functions in-process instead of in Docker.

moto runs every Lambda execution (Invoke, S3 notifications, Step Functions tasks) through
`LambdaFunction._invoke_lambda`, which needs Docker. We replace that one method: it imports the
function's real handler from `functions/<name>/app.py` and calls it with the function's environment,
exactly as Lambda would, one invocation at a time (a Lambda container is single-threaded too).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import queue
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

_MOTO_S3_INVOKE: dict[str, Callable[[str, Any, str, str], None]] = {}


@dataclass(frozen=True)
class LocalFunction:
    """Where a deployed function's code lives on this machine."""

    name: str
    arn: str
    code_dir: Path
    handler: str
    environment: Mapping[str, str]
    memory_mb: int = 128
    timeout_s: int = 3


@dataclass
class Invocation:
    """One call, kept for the summary and for debugging."""

    function: str
    started: float
    seconds: float
    errored: bool
    error: str | None = None


class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function: LocalFunction) -> None:
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.arn
        self.memory_limit_in_mb = function.memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + function.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class InProcessInvoker:
    """Registry of local functions and the hook moto calls to run them.

    Attributes:
        base_environment: variables every invocation gets (endpoint, credentials, local switches).
        before_invoke: called before each invocation (e.g. to clear per-container caches, since many
            functions share this one process).
    """

    base_environment: dict[str, str] = field(default_factory=dict)
    before_invoke: Callable[[], None] | None = None
    functions: dict[str, LocalFunction] = field(default_factory=dict)
    invocations: list[Invocation] = field(default_factory=list)
    _modules: dict[str, ModuleType] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _async_queue: queue.Queue[Callable[[], None]] = field(default_factory=queue.Queue)
    _notifications_on: bool = True

    def register(self, function: LocalFunction) -> None:
        """Make a deployed function runnable."""
        self.functions[function.name] = function

    def install(self) -> None:
        """Hook moto's Lambda execution path."""
        from moto.awslambda.models import LambdaFunction

        invoker = self

        def _invoke_lambda(model: Any, event: Any = None) -> tuple[str, bool, str]:
            return invoker.invoke(model.function_name, event)

        LambdaFunction._invoke_lambda = _invoke_lambda  # type: ignore[method-assign]

        # S3 invokes Lambda asynchronously; moto does it inside the PutObject request, which would
        # deadlock a function that writes to a bucket with a notification. Queue it, as AWS does.
        import moto.s3.notifications as s3_notifications

        # Wrap moto's own function, not the hook of an earlier stack in this process.
        deliver = _MOTO_S3_INVOKE.setdefault("deliver", s3_notifications._invoke_awslambda)

        def _invoke_awslambda(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
            if invoker._notifications_on:
                invoker._async_queue.put(lambda: deliver(account_id, event_body, fn_arn, region_name))

        s3_notifications._invoke_awslambda = _invoke_awslambda
        threading.Thread(target=self._run_async, name="lambda-async-invocations", daemon=True).start()

    def _run_async(self) -> None:
        while True:
            job = self._async_queue.get()
            try:
                job()
            finally:
                self._async_queue.task_done()

    @contextmanager
    def notifications_off(self) -> Iterator[None]:
        """Drop S3 notifications while restoring saved objects (they were processed when they landed)."""
        self._notifications_on = False
        try:
            yield
        finally:
            self._notifications_on = True

    def wait_idle(self) -> None:
        """Wait until every queued asynchronous invocation (S3 notifications) has run."""
        self._async_queue.join()

    def _module(self, function: LocalFunction) -> ModuleType:
        module_file, _, _attr = function.handler.rpartition(".")
        cache_key = f"{function.code_dir}:{module_file}"
        if cache_key not in self._modules:
            name = f"cdp_function_{function.code_dir.name}_{module_file}"
            spec = importlib.util.spec_from_file_location(name, function.code_dir / f"{module_file}.py")
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {function.handler} from {function.code_dir}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            self._modules[cache_key] = module
        return self._modules[cache_key]

    @contextmanager
    def _environment(self, function: LocalFunction) -> Iterator[None]:
        saved = dict(os.environ)
        os.environ.update(self.base_environment)
        os.environ.update(function.environment)
        os.environ.update(
            {
                "AWS_LAMBDA_FUNCTION_NAME": function.name,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
                "_HANDLER": function.handler,
            }
        )
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def invoke(self, function_name: str, event: Any) -> tuple[str, bool, str]:
        """Run a function with an event; returns (JSON result, errored, log text) as moto expects."""
        function = self.functions.get(function_name)
        if function is None:
            error = {
                "errorMessage": f"function {function_name} is not deployed locally",
                "errorType": "NotFound",
            }
            return json.dumps(error), True, ""
        # moto hands over the already-decoded payload; a string that is not JSON is passed as is.
        if isinstance(event, str | bytes):
            with contextlib.suppress(json.JSONDecodeError):
                event = json.loads(event or "{}")
        with self._lock, self._environment(function):
            started = time.monotonic()
            try:
                if self.before_invoke:
                    self.before_invoke()
                handler = getattr(self._module(function), function.handler.rpartition(".")[2])
                result = handler(event, LambdaContext(function))
                self.invocations.append(Invocation(function.name, started, time.monotonic() - started, False))
                return json.dumps(result, default=str), False, ""
            except Exception as error:  # noqa: BLE001 - reported to the caller as Lambda does
                trace = traceback.format_exc()
                self.invocations.append(
                    Invocation(
                        function.name,
                        started,
                        time.monotonic() - started,
                        True,
                        f"{type(error).__name__}: {error}",
                    )
                )
                payload = {
                    "errorMessage": str(error),
                    "errorType": type(error).__name__,
                    "stackTrace": trace.splitlines()[-10:],
                }
                return json.dumps(payload), True, trace
