"""Resolution settings written by a user (`cdp resolve --settings FILE`) or saved with a run (model.json).

A settings document is YAML or JSON in the shape of `ResolutionSettings.to_dict()`. It may be partial:
each top-level key it gives replaces the entity's default value for that key whole (a `comparisons` list
replaces every default comparison), the keys it leaves out keep the defaults. A comparison may leave out
its `levels` when the defaults compare the same field with the same method: it takes their m/u priors.

Validation names what is wrong (the key, the comparison, the method, the level or the field), every
problem at once, and refers to fields by the names of the staged records (`first_name_key`,
`birth_date`...) or of the blocking keys derived from them (`last_name_sound`...).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from functools import cache
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from cdp.model import Entity, staging_schema
from cdp.resolve.columns import DERIVATIONS
from cdp.resolve.settings import ACCOUNT_SETTINGS, CONTACT_SETTINGS, LEVELS_BY_METHOD, ResolutionSettings


class SettingsError(ValueError):
    """A settings document is invalid; the message names the document and each problem."""


@cache
def _adapter() -> TypeAdapter[ResolutionSettings]:
    return TypeAdapter(ResolutionSettings)


def record_field_names(staged_columns: Collection[str]) -> frozenset[str]:
    """The fields settings may name: the staged records' columns and the blocking keys derived from them."""
    return frozenset(staged_columns) | frozenset(DERIVATIONS)


def _where(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _unknown_field(where: str, name: object) -> str:
    return (
        f"{where}: unknown field {name!r} (fields are the staged columns, e.g. first_name_key, "
        "last_name_key, email_key, phone, birth_date, postcode, street_key, city_key, customer_number, "
        f"or derived keys: {', '.join(sorted(DERIVATIONS))})"
    )


def _with_default_levels(
    document: dict[str, Any], defaults: ResolutionSettings, fields: frozenset[str]
) -> list[str]:
    """Fill in the levels a comparison leaves out from the default comparison of its field and method;
    the problems of those that cannot be filled."""
    problems: list[str] = []
    comparisons = document.get("comparisons")
    if not isinstance(comparisons, list):
        return problems
    known = {(c.field, c.method): c for c in defaults.comparisons}
    for k, item in enumerate(comparisons):
        if not isinstance(item, dict) or "levels" in item:
            continue
        name, method = item.get("field"), item.get("method")
        where = f"comparisons[{k}] ({name})"
        default = known.get((name, method))
        if default is not None:
            item["levels"] = [{"name": level.name, "m": level.m, "u": level.u} for level in default.levels]
        elif name not in fields:
            problems.append(_unknown_field(where, name))
        elif method not in LEVELS_BY_METHOD:
            problems.append(f"{where}: unknown method {method!r} (known: {', '.join(LEVELS_BY_METHOD)})")
        else:
            problems.append(
                f"{where}: `levels` is required, the {defaults.entity} defaults have no {name!r} "
                f"comparison with method {method!r} to take their m/u from "
                f"(levels of {method!r}: {', '.join(LEVELS_BY_METHOD[method])}, each with name, m and u)"
            )
    return problems


def _reference_problems(settings: ResolutionSettings, fields: frozenset[str]) -> list[str]:
    """Names that do not refer to anything: unknown fields, levels a comparison cannot reach..."""
    problems: list[str] = []
    compared = {c.field: c for c in settings.comparisons}

    def field(where: str, name: str) -> None:
        if name not in fields:
            problems.append(_unknown_field(where, name))

    def comparison_levels(where: str, condition: tuple[str, tuple[str, ...]]) -> None:
        name, level_names = condition
        if name not in compared:
            problems.append(f"{where}: field {name!r} has no comparison (compared: {', '.join(compared)})")
            return
        method = compared[name].method
        for level in level_names:
            if level not in LEVELS_BY_METHOD[method]:
                problems.append(
                    f"{where}: {name!r} is compared with method {method!r}, which has no level {level!r} "
                    f"(its levels: {', '.join(LEVELS_BY_METHOD[method])})"
                )

    if not settings.comparisons:
        problems.append("comparisons: at least one comparison is needed")
    if not settings.blocking_rules:
        problems.append("blocking_rules: at least one blocking rule is needed")
    seen: set[str] = set()
    for k, comparison in enumerate(settings.comparisons):
        where = f"comparisons[{k}] ({comparison.field})"
        field(where, comparison.field)
        if comparison.field in seen:
            problems.append(f"{where}: the field is compared twice")
        seen.add(comparison.field)
        if not 0 < comparison.fuzzy <= comparison.close <= 1:
            problems.append(f"{where}: thresholds need 0 < fuzzy <= close <= 1")
        for level in comparison.levels:
            if not (0 < level.m <= 1 and 0 < level.u <= 1):
                problems.append(f"{where}: level {level.name!r}: m and u must be in (0, 1]")
    for k, rule in enumerate(settings.blocking_rules):
        if not rule.fields:
            problems.append(f"blocking_rules[{k}]: no fields")
        for name in rule.fields + rule.refine:
            field(f"blocking_rules[{k}]", name)
    for k, deterministic in enumerate(settings.deterministic_rules):
        if not deterministic.fields:
            problems.append(f"deterministic_rules[{k}] ({deterministic.name}): no fields")
        for name in deterministic.fields:
            field(f"deterministic_rules[{k}] ({deterministic.name})", name)
    for k, veto in enumerate(settings.vetoes):
        if not veto.conditions:
            problems.append(f"vetoes[{k}] ({veto.name}): no conditions")
        for condition in veto.conditions:
            comparison_levels(f"vetoes[{k}] ({veto.name})", condition)
    for k, condition in enumerate(settings.identifying):
        comparison_levels(f"identifying[{k}]", condition)
    for name in settings.conflict_fields:
        field("conflict_fields", name)
    for name in settings.compatible_fields:
        if name not in compared:
            problems.append(f"compatible_fields: field {name!r} has no comparison")
    for key, stands_for in settings.derived_from:
        field("derived_from", key)
        field("derived_from", stands_for)
    for name in settings.swappable or ():
        if name not in compared:
            problems.append(f"swappable: field {name!r} has no comparison")
        elif "close" not in LEVELS_BY_METHOD[compared[name].method]:
            problems.append(f"swappable: {name!r} is compared with a method without a `close` level")
    if not 0 < settings.match_probability_threshold < 1:
        problems.append("match_probability_threshold: must be between 0 and 1 (exclusive)")
    if settings.expected_matches_per_record <= 0:
        problems.append("expected_matches_per_record: must be above 0")
    if settings.max_block_size < 2 or any(
        r.max_block_size is not None and r.max_block_size < 2 for r in settings.blocking_rules
    ):
        problems.append("max_block_size: a block needs room for at least 2 records")
    if settings.max_cluster_size < 1:
        problems.append("max_cluster_size: must be at least 1")
    return problems


def settings_from_document(
    document: Any, origin: str, defaults: ResolutionSettings, fields: frozenset[str]
) -> ResolutionSettings:
    """Settings from a parsed document (partial or full), on top of the entity's defaults.

    Args:
        document: the YAML/JSON document, a mapping.
        origin: what to call it in error messages (the file name).
        defaults: the entity's default settings (e.g. `CONTACT_SETTINGS`).
        fields: the field names the settings may use (`record_field_names`).

    Raises:
        SettingsError: naming every problem found.
    """
    if not isinstance(document, Mapping):
        raise SettingsError(f"{origin}: expected a mapping of settings at the top level")
    base = json.loads(json.dumps(defaults.to_dict()))
    unknown = sorted(set(document) - set(base))
    if unknown:
        raise SettingsError(
            f"{origin}: unknown key(s) {', '.join(map(repr, unknown))} (known: {', '.join(base)})"
        )
    if document.get("entity", defaults.entity) != defaults.entity:
        raise SettingsError(
            f"{origin}: entity: these settings resolve {defaults.entity!r} records, "
            f"not {document['entity']!r}"
        )
    merged = {**base, **json.loads(json.dumps(document, default=str))}
    problems = _with_default_levels(merged, defaults, fields)
    if not problems:
        try:
            settings = _adapter().validate_python(merged)
        except ValidationError as error:
            problems = [
                f"{_where(item['loc'])}: {item['msg'].removeprefix('Value error, ')}"
                for item in error.errors()
            ]
        else:
            problems = _reference_problems(settings, fields)
    if problems:
        listed = f" {problems[0]}" if len(problems) == 1 else "".join(f"\n  - {p}" for p in problems)
        raise SettingsError(f"{origin}:{listed}")
    return settings


def read_document(text: str, origin: str) -> Any:
    """A settings document from YAML or JSON text (JSON is YAML)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SettingsError(f"{origin}: neither YAML nor JSON: {error}") from error


def settings_document(settings: ResolutionSettings) -> str:
    """A full settings document (YAML) in the shape `settings_from_document` reads: a start to edit."""
    document = json.loads(json.dumps(settings.to_dict()))
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)


def contact_settings(document: Any, origin: str) -> ResolutionSettings:
    """Contact settings from a document: on top of `CONTACT_SETTINGS`, naming the staged contact fields."""
    fields = record_field_names(staging_schema(Entity.CONTACT).names)
    return settings_from_document(document, origin, CONTACT_SETTINGS, fields)


def account_settings(document: Any, origin: str) -> ResolutionSettings:
    """Account settings from a document: on top of `ACCOUNT_SETTINGS`, naming the staged account fields."""
    fields = record_field_names(staging_schema(Entity.ACCOUNT).names)
    return settings_from_document(document, origin, ACCOUNT_SETTINGS, fields)
