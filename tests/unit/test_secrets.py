"""A destination's signing key from SSM or Secrets Manager, through the bootstrap (moto in-process)."""

from __future__ import annotations

import boto3
import pytest
from cdp.services import bootstrap
from moto import mock_aws


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - yields nothing, inside mock_aws
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        arn = boto3.client("secretsmanager").create_secret(Name="stack-signing", SecretString="stack-key")[
            "ARN"
        ]
        monkeypatch.setenv("WEBHOOK_SECRET_ARN", arn)
        boto3.client("secretsmanager").create_secret(Name="crm-key", SecretString="crm")
        boto3.client("ssm").put_parameter(Name="/cdp/newsletter", Value="news", Type="SecureString")
        for variable in ("LANDING", "STAGING", "CURATED", "QUARANTINE", "CONFIG"):
            monkeypatch.setenv(f"{variable}_BUCKET", variable.lower())
        monkeypatch.setenv("GLUE_DATABASE", "cdp")
        bootstrap.reset()
        yield
    bootstrap.reset()


def test_secrets_come_from_ssm_secrets_manager_or_the_stack(aws: None) -> None:
    assert bootstrap.secret("ssm:/cdp/newsletter") == "news"
    assert bootstrap.secret("secretsmanager:crm-key") == "crm"
    assert bootstrap.secret(None) == "stack-key"
