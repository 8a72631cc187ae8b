"""Test-wide settings: no real AWS is ever reachable from tests (dummy credentials, a fixed region)."""

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "cdp-tests",
        "POWERTOOLS_METRICS_NAMESPACE": "CDPTests",
    }
)
