"""The named Athena queries of template.yaml, and binding their parameters locally."""

from __future__ import annotations

from pathlib import Path

import pytest
from cdp.local.athena import QueryError
from cdp.local.named_queries import bind, named_queries

ROOT = Path(__file__).resolve().parents[2]


def test_the_template_declares_the_common_questions() -> None:
    queries = named_queries(ROOT / "template.yaml")
    assert {"customer_360_by_email", "duplicates_per_source", "source_overlap"} <= set(queries)


def test_parameters_bind_in_order_as_literals_that_cannot_change_the_query() -> None:
    # Given a value trying to close the string and add a clause
    sql = bind("SELECT * FROM golden_contact WHERE email = ? AND city = ?", ["x' OR '1'='1", "Lyon"])
    # Then it stays one escaped literal
    assert sql == "SELECT * FROM golden_contact WHERE email = 'x'' OR ''1''=''1' AND city = 'Lyon'"
    with pytest.raises(QueryError, match="takes 1 parameter"):
        bind("SELECT ? AS a", [])
