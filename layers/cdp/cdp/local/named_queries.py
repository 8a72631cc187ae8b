"""The Athena named queries of template.yaml, run locally with the same SQL.

`?` are Athena execution parameters; locally they are bound, in order, as SQL string literals (through
sqlglot, so a value can never change the query).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlglot
import yaml
from sqlglot import exp

from cdp.local.athena import QueryError


class _TemplateLoader(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Ref, !Sub...) as plain values: only the SQL is needed here."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TemplateLoader.add_multi_constructor("!", _any_tag)


def named_queries(template: Path) -> dict[str, str]:
    """Name -> SQL of every AWS::Athena::NamedQuery in the template."""
    document = yaml.load(template.read_text(encoding="utf-8"), Loader=_TemplateLoader)  # noqa: S506 - safe loader
    return {
        resource["Properties"]["Name"]: resource["Properties"]["QueryString"]
        for resource in document["Resources"].values()
        if resource.get("Type") == "AWS::Athena::NamedQuery"
    }


def bind(sql: str, parameters: list[str]) -> str:
    """The query with each `?` replaced by the next parameter as a string literal."""
    tree = sqlglot.parse_one(sql, read="athena")
    placeholders = list(tree.find_all(exp.Placeholder))
    if len(placeholders) != len(parameters):
        raise QueryError(f"the query takes {len(placeholders)} parameter(s), {len(parameters)} given")
    for placeholder, value in zip(placeholders, parameters, strict=True):
        placeholder.replace(exp.Literal.string(value))
    return tree.sql(dialect="athena")
