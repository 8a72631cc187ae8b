"""GET /v1/profiles/{customer_id} and GET /v1/profiles?email=... or ?phone=...: a customer's 360 view
(golden record, source records, metrics, segments, consent) from DynamoDB."""

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from cdp.observability import logger, tracer
from cdp.services import bootstrap
from cdp.services.profiles import find_profiles, get_profile

app = APIGatewayRestResolver()
PROBLEM = "application/problem+json"


def _problem(status: int, title: str, detail: str) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return Response(status_code=status, content_type=PROBLEM, body=json.dumps(body))


@app.get("/v1/profiles/<customer_id>")
@tracer.capture_method
def profile(customer_id: str) -> Response:
    found = get_profile(bootstrap.profile_store(), customer_id)
    if found is None:
        return _problem(404, "Not Found", f"no current customer {customer_id}")
    return Response(status_code=200, content_type="application/json", body=found)


@app.get("/v1/profiles")
@tracer.capture_method
def lookup() -> Response:
    query = app.current_event.query_string_parameters or {}
    try:
        found = find_profiles(bootstrap.profile_store(), email=query.get("email"), phone=query.get("phone"))
    except ValueError as error:
        return _problem(400, "Bad Request", str(error))
    if not found:
        return _problem(404, "Not Found", "no current customer with this e-mail or phone")
    return Response(status_code=200, content_type="application/json", body={"profiles": found})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
