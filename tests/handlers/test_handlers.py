"""Each handler with its sample event from events/*.json."""

from __future__ import annotations

import json

import boto3
import pytest
from cdp.activate.profiles import profile_items
from cdp.adapters.aws import DynamoDbStore, S3ObjectStore
from cdp.services.lake import Buckets, Lake, rows_to_table
from cdp.tables import GOLDEN_CONTACT

from tests.handlers.conftest import BUCKETS


def test_ingest_lands_a_batch_once_per_idempotency_key(aws, handler, event, context) -> None:
    # Given a batch posted with an Idempotency-Key
    app = handler("ingest")
    request = event("api_post_records")
    # When it is posted, then retried
    first = app.lambda_handler(request, context)
    retry = app.lambda_handler(request, context)
    # Then it lands once, and the retry gets the first answer
    assert first["statusCode"] == 202
    assert json.loads(retry["body"]) == json.loads(first["body"])
    landed = aws["s3"].list_objects_v2(Bucket="cdp-landing-123456789012-eu-west-1")["Contents"]
    assert [o["Key"] for o in landed] == [json.loads(first["body"])["key"]]
    assert json.loads(first["body"])["records"] == 2


def test_ingest_reuse_of_a_key_with_another_body_is_refused(aws, handler, event, context) -> None:
    app = handler("ingest")
    request = event("api_post_records")
    app.lambda_handler(request, context)
    response = app.lambda_handler({**request, "body": '{"submission_id": "other"}'}, context)
    assert response["statusCode"] == 422
    assert response["multiValueHeaders"]["Content-Type"] == ["application/problem+json"]


def test_ingest_bad_record_gets_a_problem_document(aws, handler, event, context) -> None:
    request = {**event("api_post_records"), "body": '{"email": "a@b.fr"}\n{"email": {"nested": 1}}'}
    request["headers"] = {"Content-Type": "application/x-ndjson"}
    response = handler("ingest").lambda_handler(request, context)
    problem = json.loads(response["body"])
    assert response["statusCode"] == 400
    assert (problem["record"], problem["field"]) == (1, "email")


def test_catalog_stages_and_quarantines_a_landed_file(aws, handler, event, context) -> None:
    # Given a CRM export in the landing bucket (the event's key is URL-encoded, as S3 sends it)
    csv = (
        "Code client;Prénom;Nom;E-mail;Téléphone;CP\r\n"
        "C1;Marie;DUPONT;marie.dupont@orange.fr;06 12 34 56 78;1000\r\n"
        "C2;;;;;\r\n"
        "C3;Jean;Martin;jean@free.fr;0612345679;75011;extra\r\n"
    )
    aws["s3"].put_object(
        Bucket="cdp-landing-123456789012-eu-west-1", Key="crm/contacts test.csv", Body=csv.encode("cp1252")
    )
    # When the catalog function handles the notification
    result = handler("catalog").lambda_handler(event("s3_object_created"), context)
    # Then one row is staged and two are quarantined with their reasons
    report = result["reports"][0]
    assert (report["rows_in"], report["staged"], report["quarantined"]) == (3, 1, 2)
    assert report["reconciled"] and set(report["reasons"]) == {"no identifying field", "unreadable row"}
    staged = aws["s3"].list_objects_v2(Bucket="cdp-staging-123456789012-eu-west-1", Prefix="staging_contact/")
    assert len(staged["Contents"]) == 1
    partitions = aws["glue"].get_partitions(DatabaseName="cdp_cdp", TableName="staging_contact")["Partitions"]
    assert partitions[0]["Values"][0] == "crm"


def test_commit_moves_nothing_when_a_snapshot_is_missing(aws, handler, context) -> None:
    with pytest.raises(RuntimeError, match="nothing was committed"):
        handler("commit").lambda_handler({"run_id": "run-0001", "stage": "golden"}, context)
    location = aws["glue"].get_table(DatabaseName="cdp_cdp", Name="golden_contact")["Table"]
    assert location["StorageDescriptor"]["Location"].endswith("/golden_contact/")


def test_run_handlers_reject_a_malformed_event(aws, handler, context) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        handler("resolve").lambda_handler({"run_id": "../../etc"}, context)


def test_override_route_records_a_force_separation_in_the_config_bucket(aws, handler, event, context) -> None:
    # Given a steward's unlink posted to the API
    body = {"kind": "separate", "first": "crm:1", "second": "web:a", "by": "alice", "why": "two sisters"}
    request = {**event("api_post_records"), "resource": "/v1/overrides", "path": "/v1/overrides"}
    request["body"] = json.dumps(body)
    # When the ingest function handles it
    response = handler("ingest").lambda_handler(request, context)
    # Then it is stored, with when, in the contact overrides the resolve step reads
    assert response["statusCode"] == 201
    stored = aws["s3"].get_object(Bucket="cdp-config-123456789012-eu-west-1", Key="overrides/contact.json")
    [saved] = json.loads(stored["Body"].read())
    assert (saved["kind"], saved["first"], saved["by"], saved["why"]) == (
        "separate",
        "crm:1",
        "alice",
        "two sisters",
    )
    assert saved["at"]
    # And an override naming no record gets a problem document
    bad = handler("ingest").lambda_handler({**request, "body": json.dumps({**body, "first": "x"})}, context)
    assert bad["statusCode"] == 400 and "source:source_id" in json.loads(bad["body"])["detail"]


def test_deliver_reports_only_the_failed_batch(aws, handler, event, context, monkeypatch) -> None:
    # Given two queued batches: a file export that works and a webhook whose server is down
    outbox = "cdp-outbox-123456789012-eu-west-1"
    aws["s3"].create_bucket(Bucket=outbox, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    monkeypatch.setenv("OUTBOX_BUCKET", outbox)
    secret = boto3.client("secretsmanager").create_secret(Name="signing", SecretString="k")["ARN"]
    monkeypatch.setenv("WEBHOOK_SECRET_ARN", secret)
    aws["s3"].put_object(
        Bucket="cdp-config-123456789012-eu-west-1",
        Key="destinations/unreachable.yaml",
        Body=b"name: unreachable\ntype: webhook\nurl: http://127.0.0.1:9/hook\nmax_attempts: 1\n",
    )
    # When the deliver function gets them in one SQS event
    result = handler("deliver").lambda_handler(event("sqs_delivery_batches"), context)
    # Then only the webhook's batch is reported failed (SQS retries it alone), and the file is written
    assert result == {"batchItemFailures": [{"itemIdentifier": "down-hook"}]}
    written = aws["s3"].list_objects_v2(Bucket=outbox)["Contents"]
    assert [o["Key"] for o in written] == ["partner_files/high_value/run_id=run-0001/add-00000.csv"]


def test_profiles_finds_a_customer_by_phone(aws, handler, event, context, monkeypatch) -> None:
    # Given a profile store holding Marie's 360 view
    boto3.client("dynamodb").create_table(
        TableName="profiles",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("PROFILES_TABLE", "profiles")
    marie = {"customer_id": "C-1", "email": "marie@example.fr", "phone": "+33612345678", "consents": []}
    DynamoDbStore("profiles").put_items(profile_items("run-0001", [marie], [], [], []))
    # When the API is asked for the phone number as a person types it
    response = handler("profiles").lambda_handler(event("api_find_profile"), context)
    # Then Marie's view comes back
    assert response["statusCode"] == 200
    assert [p["customer_id"] for p in json.loads(response["body"])["profiles"]] == ["C-1"]
    unknown = {**event("api_find_profile"), "queryStringParameters": {"phone": "06 00 00 00 00"}}
    assert handler("profiles").lambda_handler(unknown, context)["statusCode"] == 404


def test_erasure_route_forgets_a_person_and_answers_with_the_receipt_id_only(
    aws, handler, event, context, monkeypatch
) -> None:
    # Given Marie's golden record in the lake, her profile in the profile table, the outbox and the queue
    outbox = "cdp-outbox-123456789012-eu-west-1"
    aws["s3"].create_bucket(Bucket=outbox, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    boto3.client("dynamodb").create_table(
        TableName="profiles",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    queue_url = boto3.client("sqs").create_queue(QueueName="delivery")["QueueUrl"]
    monkeypatch.setenv("OUTBOX_BUCKET", outbox)
    monkeypatch.setenv("PROFILES_TABLE", "profiles")
    monkeypatch.setenv("DELIVERY_QUEUE_URL", queue_url)
    marie = {
        "customer_id": "C-1",
        "email": "marie.dupont@example.fr",
        "emails": ["marie.dupont@example.fr"],
        "phones": ["+33612345678"],
        "consents": [],
    }
    lake = Lake(
        S3ObjectStore(),
        Buckets(*(BUCKETS[role] for role in ("landing", "staging", "curated", "quarantine", "config"))),
    )
    lake.write_snapshot(GOLDEN_CONTACT, "run-0001", rows_to_table([marie], GOLDEN_CONTACT.schema))
    DynamoDbStore("profiles").put_items(profile_items("run-0001", [marie], [], [], []))
    # When the API is asked to erase her by e-mail
    response = handler("ingest").lambda_handler(event("api_post_erasure"), context)
    # Then it answers 202 with the receipt's id, and repeats nothing about her
    assert response["statusCode"] == 202
    answer = json.loads(response["body"])
    assert set(answer) == {"erasure_id", "receipt"} and "marie" not in response["body"].lower()
    # And her golden record, profile and lookups are gone, and she is tombstoned
    assert lake.read_snapshot(GOLDEN_CONTACT, "run-0001").num_rows == 0
    assert DynamoDbStore("profiles").get_item("customer#C-1") is None
    assert DynamoDbStore("profiles").get_item("email#marie.dupont@example.fr") is None
    receipt_key = answer["receipt"].split("/", 3)[3]
    receipt = json.loads(aws["s3"].get_object(Bucket=BUCKETS["config"], Key=receipt_key)["Body"].read())
    assert receipt["customers_found"] == 1 and receipt["profile_items_deleted"] == 3
    assert aws["s3"].get_object(Bucket=BUCKETS["config"], Key="erasure/tombstones.json")
    # And a request naming two identifiers gets a problem document
    two = {**event("api_post_erasure"), "body": json.dumps({"email": "a@b.fr", "phone": "0612345678"})}
    bad = handler("ingest").lambda_handler(two, context)
    assert bad["statusCode"] == 400 and "exactly one" in json.loads(bad["body"])["detail"]
