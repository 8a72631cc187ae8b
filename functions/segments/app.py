"""Evaluate every segment's SQL over the current golden tables; write memberships, list deliveries and
refresh the profile API's store."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from cdp.events import RunEvent
from cdp.observability import logger, tracer
from cdp.services import bootstrap
from cdp.services.activation import evaluate_segments
from cdp.services.profiles import write_profiles


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@event_parser(model=RunEvent)
def lambda_handler(event: RunEvent, context: LambdaContext) -> dict[str, Any]:
    result = evaluate_segments(bootstrap.lake(), bootstrap.catalog(), bootstrap.query_engine(), event.run_id)
    logger.info("segments evaluated", extra=result)
    profiles = write_profiles(bootstrap.lake(), bootstrap.profile_store(), event.run_id)
    logger.info("profiles written", extra=profiles)
    return {**result, "profiles": profiles["profiles"]}
