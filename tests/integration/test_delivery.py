"""Delivery through the local stack: SQS queue, deliver function, dead-letter queue and redrive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp.activate import AudiencePlan, plan_messages
from cdp.local.stack import LocalCdp

ROOT = Path(__file__).resolve().parents[2]
# Fails fast: one attempt per delivery, so the queue's own retries (maxReceiveCount) are what is seen.
STORMY = "name: stormy\ntype: webhook\nurl: ${LOCAL_RECEIVER_URL}/hooks/stormy\nmax_attempts: 1\n"


@pytest.fixture(scope="module")
def cdp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCdp]:
    config = tmp_path_factory.mktemp("config")
    (config / "destinations").mkdir()
    (config / "destinations" / "stormy.yaml").write_text(STORMY)
    with LocalCdp(ROOT) as stack:
        stack.upload_config(config)
        yield stack


def test_a_500_storm_ends_in_the_dead_letter_queue_and_a_redrive_delivers_it_once(cdp: LocalCdp) -> None:
    # Given a batch of two records on the delivery queue, and a destination answering 500 to everything
    plan = AudiencePlan(add=[{"customer_id": "C-1"}, {"customer_id": "C-2"}], remove=[])
    (message,) = plan_messages("stormy", "vip", "run-storm", plan, batch_size=10)
    cdp.receiver.fail_next(*[500] * 5)
    # When the deliver function works the queue (SQS retries the batch up to maxReceiveCount = 5)
    cdp.queue("DeliveryQueue").send([message.model_dump_json()])
    cdp.settle_deliveries()
    # Then the batch waits in the dead-letter queue and nothing was accepted
    assert cdp.receiver.received.failures_sent == [500] * 5
    assert cdp.dead_letters() == 1 and cdp.receiver.received.batches == {}
    # When the destination is back and the batch is redriven
    assert cdp.redrive() == 1
    cdp.settle_deliveries()
    # Then it is delivered once, under the key it had from the start
    assert list(cdp.receiver.received.batches) == [message.idempotency_key]
    assert cdp.receiver.received.records() == plan.add
    assert (cdp.dead_letters(), cdp.receiver.received.duplicates) == (0, 0)


def test_the_dead_letter_alarm_watches_the_dead_letter_queue(cdp: LocalCdp) -> None:
    (alarm,) = cdp.aws.client("cloudwatch").describe_alarms()["MetricAlarms"]
    queue_name = cdp.stack.physical["DeliveryDeadLetterQueue"].rsplit("/", 1)[-1]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": queue_name}]
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0.0)
