"""Resolution settings as a document: full or partial, validated with messages naming what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from cdp.normalize import normalize_contact
from cdp.resolve import CONTACT_SETTINGS, resolve_records
from cdp.resolve.settings_file import (
    SettingsError,
    contact_settings,
    read_document,
    settings_document,
)

FEBRL_SETTINGS = Path(__file__).resolve().parents[2] / "bench" / "settings" / "febrl.yaml"


def _parse(text: str):  # noqa: ANN202 - ResolutionSettings
    return contact_settings(read_document(text, "settings.yaml"), "settings.yaml")


def test_a_full_document_gives_back_the_settings_it_was_written_from() -> None:
    # Given the default contact settings written as YAML (`cdp settings`) and as JSON (model.json)
    as_yaml = settings_document(CONTACT_SETTINGS)
    as_json = json.dumps(CONTACT_SETTINGS.to_dict())
    # When they are read back
    # Then they are the same settings
    assert _parse(as_yaml) == CONTACT_SETTINGS
    assert _parse(as_json) == CONTACT_SETTINGS


def test_a_partial_document_replaces_the_keys_it_gives_and_keeps_the_others() -> None:
    # Given a document giving only vetoes, a threshold and two comparisons, one without levels
    text = """
vetoes: []
match_probability_threshold: 0.9
comparisons:
  - {field: first_name_key, method: name, tf_adjust: true}
  - {field: last_name_key, method: string, tf_adjust: true}
  - {field: customer_number, method: string, close: 0.9}
  - field: city_key
    method: string
    levels:
      - {name: exact, m: 0.8, u: 0.01}
      - {name: close, m: 0.1, u: 0.01}
      - {name: fuzzy, m: 0.05, u: 0.02}
      - {name: different, m: 0.05, u: 0.96}
"""
    # When it is read
    settings = _parse(text)
    # Then those keys are replaced whole, the rest are the defaults
    assert settings.vetoes == ()
    assert settings.match_probability_threshold == 0.9
    assert [c.field for c in settings.comparisons] == [
        "first_name_key",
        "last_name_key",
        "customer_number",
        "city_key",
    ]
    assert settings.blocking_rules == CONTACT_SETTINGS.blocking_rules
    assert settings.identifying == CONTACT_SETTINGS.identifying
    # And the comparison without levels took the m/u priors of the default one on its field and method
    assert settings.comparison("last_name_key").levels == CONTACT_SETTINGS.comparison("last_name_key").levels


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("treshold: 0.9", "unknown key(s) 'treshold' (known: entity, id_prefix,"),
        ("entity: account", "entity: these settings resolve 'contact' records, not 'account'"),
        ("- 1\n- 2", "expected a mapping of settings at the top level"),
        ("vetoes: [", "neither YAML nor JSON"),
        (
            "comparisons: [{field: phone, method: exact, treshold: 0.9}]",
            "comparisons[0].treshold: Unexpected keyword argument",
        ),
        (
            "comparisons: [{field: phone, method: fuzzy, levels: []}]",
            "comparison phone: unknown method 'fuzzy' (known: exact, string, name, date)",
        ),
        (
            "comparisons: [{field: phone, method: exact, levels: [{name: different, m: 0.5, u: 0.5},"
            " {name: exact, m: 0.5, u: 0.5}]}]",
            "method 'exact' has the levels exact, different (in that order), got different, exact",
        ),
        (
            "comparisons: [{field: phone, method: exact, levels: [{name: exact, m: high, u: 0.1},"
            " {name: different, m: 0.5, u: 0.5}]}]",
            "comparisons[0].levels[0].m: Input should be a valid number",
        ),
        (
            "comparisons: [{field: phone, method: exact, levels: [{name: exact, m: 1.5, u: 0.1},"
            " {name: different, m: 0.5, u: 0.5}]}]",
            "comparisons[0] (phone): level 'exact': m and u must be in (0, 1]",
        ),
        (
            "comparisons: [{field: city_key, method: string}]",
            "comparisons[0] (city_key): `levels` is required, the contact defaults have no 'city_key'",
        ),
        ("comparisons: [{field: emial_key, method: exact}]", "comparisons[0] (emial_key): unknown field"),
        ("blocking_rules: [{fields: [emial_key]}]", "blocking_rules[0]: unknown field 'emial_key'"),
        ("blocking_rules: [{fields: [phone], refine: [zip]}]", "blocking_rules[0]: unknown field 'zip'"),
        ("blocking_rules: []", "blocking_rules: at least one blocking rule is needed"),
        (
            "deterministic_rules: [{name: loyalty, fields: [loyalty_number]}]",
            "deterministic_rules[0] (loyalty): unknown field 'loyalty_number'",
        ),
        (
            "vetoes: [{name: twins, conditions: [[first_name_key, [differnt]]]}]",
            "vetoes[0] (twins): 'first_name_key' is compared with method 'name', which has no level "
            "'differnt' (its levels: exact, alias, close, fuzzy, different)",
        ),
        (
            "vetoes: [{name: towns, conditions: [[city_key, [different]]]}]",
            "vetoes[0] (towns): field 'city_key' has no comparison",
        ),
        ("identifying: [[siret, [exact]]]", "identifying[0]: field 'siret' has no comparison"),
        ("swappable: [first_name_key, phone]", "swappable: 'phone' is compared with a method without"),
        ("match_probability_threshold: 1", "match_probability_threshold: must be between 0 and 1"),
        ("max_block_size: 1", "max_block_size: a block needs room for at least 2 records"),
    ],
)
def test_a_bad_document_is_refused_with_what_is_wrong(text: str, message: str) -> None:
    # Given a settings document with one mistake
    # When it is read
    with pytest.raises(SettingsError) as raised:
        _parse(text)
    # Then the error names the document and the bad key, method, level or field
    assert str(raised.value).startswith("settings.yaml:")
    assert message in str(raised.value)


def test_every_problem_of_a_document_is_listed_at_once() -> None:
    # Given a document with two unrelated mistakes
    text = "blocking_rules: [{fields: [zip]}]\nmax_cluster_size: 0"
    # When it is read
    with pytest.raises(SettingsError) as raised:
        _parse(text)
    # Then both are reported, one per line
    lines = str(raised.value).splitlines()
    assert lines[0] == "settings.yaml:"
    assert any("blocking_rules[0]: unknown field 'zip'" in line for line in lines[1:])
    assert any("max_cluster_size: must be at least 1" in line for line in lines[1:])


def _febrl_like(rows: list[dict[str, str]]) -> pa.Table:
    staged = [
        {**normalize_contact(row, default_country="AU"), "source": row["source"], "source_id": row["id"]}
        for row in rows
    ]
    return pa.Table.from_pylist(staged)


def test_the_febrl_settings_read_a_replaced_first_name_as_a_corruption_not_a_relative() -> None:
    # Given the bench's FEBRL settings, and two records alike but for the first name (FEBRL replaces
    # values; in customer data this is a relative at the same address)
    settings = _parse(FEBRL_SETTINGS.read_text(encoding="utf-8"))
    common = {
        "last_name": "kowalczyk",
        "street": "14 wattle street",
        "city": "toowoomba",
        "postcode": "4350",
        "birth_date": "1961-07-23",
        "country": "AU",
    }
    table = _febrl_like(
        [
            {**common, "source": "a", "id": "1", "first_name": "joshua"},
            {**common, "source": "a", "id": "2", "first_name": "brodie"},
        ]
    )
    # When they are resolved with the FEBRL settings and with the contact defaults
    febrl = resolve_records(table, settings)
    defaults = resolve_records(table, CONTACT_SETTINGS)
    # Then the FEBRL settings link them (no veto, a negative weight for the first name) and the
    # defaults veto them as relatives
    assert febrl.ids[0] == febrl.ids[1]
    first_name = febrl.explanation(0)["fields"][0]
    assert first_name["field"] == "first_name_key" and first_name["level"] == "different"
    assert first_name["weight"] < 0 and "veto" not in febrl.explanation(0)
    assert defaults.ids[0] != defaults.ids[1]
    assert defaults.explanation(0)["veto"] == "different first names at the same address"
