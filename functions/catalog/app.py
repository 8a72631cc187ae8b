"""S3 ObjectCreated on the landing bucket -> profile, stage and quarantine the object."""

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from cdp.observability import logger, metrics, tracer
from cdp.services import bootstrap
from cdp.services.staging import stage_object


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_source(data_class=S3Event)
def lambda_handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    settings = bootstrap.settings()
    reports = []
    for record in event.records:
        report = stage_object(
            # S3 sends keys URL-encoded ("a+b.csv" for "a b.csv").
            bootstrap.store(),
            bootstrap.catalog(),
            settings.buckets,
            unquote_plus(record.s3.get_object.key),
            record.s3.get_object.version_id,
        )
        logger.info("object staged", extra=report.to_dict())
        metrics.add_metric("RowsStaged", MetricUnit.Count, report.staged)
        metrics.add_metric("RowsQuarantined", MetricUnit.Count, report.quarantined)
        reports.append(report.to_dict())
    return {"reports": reports}
