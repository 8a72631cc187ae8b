"""One Logger, Tracer and Metrics for every function (service name and namespace come from the
POWERTOOLS_* variables that template.yaml sets)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
