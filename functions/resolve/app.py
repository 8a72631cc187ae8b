"""Identity resolution for one run: staged records -> xref and explained links."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from cdp.events import RunEvent
from cdp.observability import logger, tracer
from cdp.services import bootstrap
from cdp.services.unify import resolve_run


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@event_parser(model=RunEvent)
def lambda_handler(event: RunEvent, context: LambdaContext) -> dict[str, Any]:
    summary = resolve_run(bootstrap.lake(), bootstrap.catalog(), event.run_id)
    logger.info("resolve done", extra=summary)
    return summary
