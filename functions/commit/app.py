"""Point a stage's curated Glue tables at the run's snapshot, once all of them are written."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from cdp.events import CommitEvent
from cdp.observability import logger, tracer
from cdp.services import bootstrap
from cdp.services.unify import commit_run


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@event_parser(model=CommitEvent)
def lambda_handler(event: CommitEvent, context: LambdaContext) -> dict[str, Any]:
    result = commit_run(bootstrap.lake(), bootstrap.catalog(), event.run_id, event.stage)
    logger.info("committed", extra=result)
    return result
