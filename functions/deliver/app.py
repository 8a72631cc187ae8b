"""SQS batches of audience changes -> each one delivered to its destination.

A batch that fails is reported alone (ReportBatchItemFailures): the queue retries it, then moves it to
the dead-letter queue, while the other batches of the event are done with.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from cdp.activate import TokenBucket
from cdp.observability import logger, tracer
from cdp.services import bootstrap
from cdp.services.activation import deliver_message

processor = BatchProcessor(event_type=EventType.SQS)
# One token bucket per destination for the container's life, so the rate limit spans invocations
# (the event source's MaximumConcurrency bounds how many containers send at once).
rate_limits: dict[str, TokenBucket] = {}


@tracer.capture_method
def record_handler(record: SQSRecord) -> dict[str, Any]:
    settings = bootstrap.settings()
    result = deliver_message(
        record.body,
        bootstrap.store(),
        settings.buckets,
        settings.outbox_bucket,
        bootstrap.secret,
        bootstrap.transport(),
        rate_limits=rate_limits,
    )
    logger.info("batch delivered", extra=result)
    return result


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
