"""Wiring for Lambda: typed settings from the environment and the adapters they select.

This is the one place that reads the environment. Handlers build what they need through these
factories, lazily, so importing a handler reads nothing.
"""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict

from cdp.adapters.aws import (
    AthenaQueryEngine,
    DynamoDbStore,
    GlueCatalog,
    S3ObjectStore,
    SecretsManagerStore,
    SqsQueue,
    SsmParameterStore,
)
from cdp.adapters.http import UrllibTransport
from cdp.ports import QueryEngine, SecretStore
from cdp.services.erasure import ErasureTargets
from cdp.services.lake import Buckets, Lake


class Settings(BaseModel):
    """Environment of the functions, as template.yaml sets it."""

    model_config = ConfigDict(frozen=True)
    landing_bucket: str
    staging_bucket: str
    curated_bucket: str
    quarantine_bucket: str
    config_bucket: str
    glue_database: str
    query_engine: str = "athena"
    athena_workgroup: str = "primary"
    idempotency_table: str | None = None
    webhook_secret_arn: str | None = None
    delivery_queue_url: str | None = None
    outbox_bucket: str | None = None
    profiles_table: str | None = None

    @property
    def buckets(self) -> Buckets:
        """The bucket names."""
        return Buckets(
            self.landing_bucket,
            self.staging_bucket,
            self.curated_bucket,
            self.quarantine_bucket,
            self.config_bucket,
        )


@cache
def settings() -> Settings:
    """Settings read once per container."""
    fields = Settings.model_fields
    return Settings.model_validate(
        {name: os.environ[name.upper()] for name in fields if name.upper() in os.environ}
    )


@cache
def store() -> S3ObjectStore:
    """The S3 object store."""
    return S3ObjectStore()


def lake() -> Lake:
    """The lake over S3."""
    return Lake(store(), settings().buckets)


@cache
def catalog() -> GlueCatalog:
    """The Glue catalog."""
    return GlueCatalog(settings().glue_database)


@cache
def query_engine() -> QueryEngine:
    """Athena on AWS; DuckDB over the same tables when QUERY_ENGINE=duckdb (the local stack)."""
    if settings().query_engine == "duckdb":
        from cdp.local.athena import DuckDBQueryEngine  # local only: DuckDB is not in the layer

        return DuckDBQueryEngine(catalog(), store())
    return AthenaQueryEngine(settings().glue_database, settings().athena_workgroup)


def secret(reference: str | None) -> str:
    """A destination's signing key: `ssm:/name`, `secretsmanager:<id>`, or (None) the stack's secret."""
    if reference is None:
        arn = settings().webhook_secret_arn
        if not arn:
            raise RuntimeError("WEBHOOK_SECRET_ARN is not set")
        return SecretsManagerStore().get_secret(arn)
    kind, _, name = reference.partition(":")
    store: SecretStore = SsmParameterStore() if kind == "ssm" else SecretsManagerStore()
    return store.get_secret(name)


def delivery_queue() -> SqsQueue:
    """The queue the publish step fills and the delivery function drains."""
    url = settings().delivery_queue_url
    if not url:
        raise RuntimeError("DELIVERY_QUEUE_URL is not set")
    return SqsQueue(url)


@cache
def profile_store() -> DynamoDbStore:
    """The profile API's DynamoDB table."""
    table = settings().profiles_table
    if not table:
        raise RuntimeError("PROFILES_TABLE is not set")
    return DynamoDbStore(table)


def erasure_targets() -> ErasureTargets:
    """Where erasure reaches beyond the lake on AWS: the outbox, the delivery queue, the profile store."""
    targets = ErasureTargets(
        outbox_bucket=settings().outbox_bucket, delivery_queue=delivery_queue(), profiles=profile_store()
    )
    if not targets.outbox_bucket:
        raise RuntimeError("OUTBOX_BUCKET is not set")
    return targets


def transport() -> UrllibTransport:
    """The HTTP transport."""
    return UrllibTransport()


def reset() -> None:
    """Forget cached settings and clients: for runtimes that host several functions in one process
    (the local stack), where each invocation brings its own function's environment."""
    for factory in (settings, store, catalog, query_engine, profile_store):
        factory.cache_clear()
