"""The embedded local runtime: moto as the AWS emulator (bound to 127.0.0.1), an in-process Lambda
invoker, a deployer of template.yaml, a local API gateway, Athena on DuckDB, and an HTTP receiver.

Nothing here ships in the Lambda layer's runtime path; it needs the `dev` extra (moto, DuckDB, sqlglot).
"""
