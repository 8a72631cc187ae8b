"""Plan one segment's changes for one destination (consent-aware) and enqueue them as batches."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from cdp.events import DeliveryEvent
from cdp.observability import logger, metrics, tracer
from cdp.services import bootstrap
from cdp.services.activation import publish_delivery


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=DeliveryEvent)
def lambda_handler(event: DeliveryEvent, context: LambdaContext) -> dict[str, Any]:
    result = publish_delivery(
        bootstrap.lake(), bootstrap.delivery_queue(), event.run_id, event.segment, event.destination
    )
    metrics.add_metric("BatchesEnqueued", MetricUnit.Count, result["batches"])
    metrics.add_metric("RecordsExcluded", MetricUnit.Count, result["excluded"])
    logger.info("enqueued", extra=result)
    return result
