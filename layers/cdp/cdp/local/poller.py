"""Lambda's SQS poller, played locally: receive a batch, invoke the function with a real SQS event,
delete what succeeded, leave the reported failures on the queue.

moto has its own SQS trigger, but it runs the function inside the SendMessage call that enqueued the
message (a function that enqueues would wait on itself) and it ignores ReportBatchItemFailures. The
deployer therefore creates the event source mapping disabled and the local stack runs this poller.
The one liberty taken: a failed message becomes visible again after `retry_seconds` instead of the
queue's visibility timeout (12 minutes in template.yaml), so retries and the move to the dead-letter
queue (moto applies the redrive policy on receive) happen within a test.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any


class SqsPoller:
    """Polls one queue for one function, on a daemon thread."""

    def __init__(
        self,
        sqs: Any,
        lambda_client: Any,
        queue_arn: str,
        function: str,
        batch_size: int = 10,
        partial_failures: bool = True,
        retry_seconds: int = 0,
    ) -> None:
        self._sqs, self._lambda = sqs, lambda_client
        self.queue_arn, self.function = queue_arn, function
        self.queue_url = sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
        self._batch_size, self._partial, self._retry = batch_size, partial_failures, retry_seconds
        self._stop = threading.Event()
        self._busy = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sqs-poller-{function}", daemon=True)

    def start(self) -> SqsPoller:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._busy.set()
            try:
                handled = self.poll_once()
            finally:
                self._busy.clear()
            if not handled:
                self._stop.wait(0.1)

    def poll_once(self) -> int:
        """Receive one batch and run the function on it; returns how many messages it received."""
        messages = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self._batch_size,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        answer = self._lambda.invoke(FunctionName=self.function, Payload=json.dumps(event).encode())
        result = json.loads(answer["Payload"].read() or b"{}")
        if answer.get("FunctionError"):
            failed = {m["MessageId"] for m in messages}
        elif self._partial:
            failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        else:
            failed = set()
        for message in messages:
            if message["MessageId"] in failed:
                self._sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=self._retry,
                )
            else:
                self._sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.queue_arn.split(":")[3],
        }

    def wait_idle(self, timeout_s: float = 120) -> None:
        """Wait until the queue holds no message, visible or in flight, and no invocation runs."""
        deadline = time.monotonic() + timeout_s
        quiet = 0
        while time.monotonic() < deadline:
            counts = self._sqs.get_queue_attributes(
                QueueUrl=self.queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            empty = all(int(v) == 0 for v in counts.values())
            quiet = quiet + 1 if empty and not self._busy.is_set() else 0
            if quiet >= 3:  # three quiet looks in a row: nothing between a receive and its delete
                return
            time.sleep(0.1)
        raise TimeoutError(f"queue {self.queue_url} still busy after {timeout_s} s")
