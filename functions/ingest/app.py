"""POST /v1/sources/{source}/records -> validate the batch and land it in the landing bucket.
POST /v1/overrides -> record a force-link or force-separation that every later unify run honours.
POST /v1/erasures -> forget a person (lake, audiences, outbox, profiles) and answer with the receipt's id.

An Idempotency-Key header makes retries safe: the same key returns the first answer, and the batch lands once.
"""

import hashlib
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext
from cdp.observability import logger, tracer
from cdp.services import bootstrap
from cdp.services.erasure_api import request_erasure
from cdp.services.ingest_api import InvalidBatch, land_batch
from cdp.services.overrides_api import record_override

app = APIGatewayRestResolver()
PROBLEM = "application/problem+json"


def _problem(status: int, body: dict[str, Any]) -> Response:
    # Powertools serializes dict bodies for application/json only.
    return Response(status_code=status, content_type=PROBLEM, body=json.dumps(body))


def _land(source: str, body: str, content_type: str, request_id: str) -> dict[str, Any]:
    accepted = land_batch(
        bootstrap.store(), bootstrap.settings().landing_bucket, source, body, content_type, request_id
    )
    return {"source": accepted.source, "key": accepted.key, "records": accepted.records}


def _land_once(
    idempotency_key: str, source: str, body: str, content_type: str, request_id: str
) -> dict[str, Any]:
    table = bootstrap.settings().idempotency_table
    if not table:
        raise RuntimeError("IDEMPOTENCY_TABLE is not set")
    config = IdempotencyConfig(
        event_key_jmespath="[key, source]",
        payload_validation_jmespath="body_sha256",
        expires_after_seconds=24 * 3600,
    )

    @idempotent_function(
        data_keyword_argument="request", persistence_store=DynamoDBPersistenceLayer(table), config=config
    )
    def land(request: dict[str, str]) -> dict[str, Any]:
        return _land(source, body, content_type, request_id)

    config.register_lambda_context(app.lambda_context)
    sha = hashlib.sha256(body.encode()).hexdigest()
    return land(request={"key": idempotency_key, "source": source, "body_sha256": sha})


@app.post("/v1/sources/<source>/records")
@tracer.capture_method
def post_records(source: str) -> Response:
    event = app.current_event
    body = event.decoded_body or ""
    content_type = (
        event.headers.get("content-type") or event.headers.get("Content-Type") or "application/json"
    )
    request_id = event.request_context.request_id
    key = event.headers.get("idempotency-key") or event.headers.get("Idempotency-Key")
    try:
        result = (
            _land_once(key, source, body, content_type, request_id)
            if key
            else _land(source, body, content_type, request_id)
        )
    except InvalidBatch as error:
        return _problem(400, error.problem(event.path))
    except IdempotencyValidationError:
        return _problem(
            422,
            {
                "type": "about:blank",
                "title": "Idempotency-Key reused",
                "status": 422,
                "detail": "this Idempotency-Key was already used with a different body",
                "instance": event.path,
            },
        )
    logger.info("batch landed", extra=result)
    return Response(status_code=202, content_type="application/json", body=result)


@app.post("/v1/overrides")
@tracer.capture_method
def post_override() -> Response:
    event = app.current_event
    try:
        override = record_override(
            bootstrap.store(), bootstrap.settings().config_bucket, event.decoded_body or ""
        )
    except InvalidBatch as error:
        return _problem(400, error.problem(event.path))
    logger.info("override recorded", extra=override.to_dict())
    return Response(status_code=201, content_type="application/json", body=override.to_dict())


@app.post("/v1/erasures")
@tracer.capture_method
def post_erasure() -> Response:
    event = app.current_event
    try:
        result = request_erasure(bootstrap.lake(), event.decoded_body or "", bootstrap.erasure_targets())
    except InvalidBatch as error:
        return _problem(400, error.problem(event.path))
    logger.info("person erased", extra=result)
    # Accepted: the lake is clean now; the removes for the destinations are queued.
    return Response(status_code=202, content_type="application/json", body=result)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
