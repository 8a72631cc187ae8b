"""`cdp redrive` against SQS (moto in-process)."""

from __future__ import annotations

import boto3
import pytest
from cdp.cli import main
from moto import mock_aws


@pytest.fixture
def queues(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - yields the two queue URLs
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        sqs = boto3.client("sqs")
        yield (
            sqs,
            sqs.create_queue(QueueName="delivery")["QueueUrl"],
            sqs.create_queue(QueueName="dlq")["QueueUrl"],
        )


def test_redrive_moves_every_dead_letter_back_once(queues, capsys) -> None:
    # Given three failed batches in the dead-letter queue
    sqs, queue, dlq = queues
    for n in range(3):
        sqs.send_message(QueueUrl=dlq, MessageBody=f'{{"batch": {n}}}')
    # When they are redriven
    assert main(["redrive", "--queue", queue, "--dlq", dlq]) == 0
    # Then the delivery queue holds each once and the dead-letter queue is empty
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]]
    assert sorted(bodies) == ['{"batch": 0}', '{"batch": 1}', '{"batch": 2}']
    assert "Messages" not in sqs.receive_message(QueueUrl=dlq)
    assert "moved 3 batch(es)" in capsys.readouterr().out


def test_redrive_needs_to_know_the_queues() -> None:
    with pytest.raises(SystemExit, match="--stack"):
        main(["redrive", "--queue", "https://sqs/q"])
