"""Thin adapters from the ports in `cdp.ports` to AWS (boto3), HTTP (urllib), and in-memory fakes."""
