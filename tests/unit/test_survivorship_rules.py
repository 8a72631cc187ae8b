"""Survivorship configured in YAML: each rule, the fallback chain, multi-valued attributes and lineage."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

import pytest
from cdp.config import ConfigError, SurvivorshipConfig, SurvivorshipRule, parse_survivorship
from cdp.golden import CONTACT_RULES, build_golden, choose
from cdp.golden.survivorship import RULES

ROOT = Path(__file__).resolve().parents[2]
OLD = datetime(2025, 1, 1, tzinfo=UTC)
NEW = datetime(2026, 6, 1, tzinfo=UTC)


def _record(source: str, sid: str, trust: int, updated: datetime | None, **fields: object) -> dict:
    return {"source": source, "source_id": sid, "trust_rank": trust, "updated_at": updated, **fields}


@pytest.mark.parametrize(
    ("rule", "winner"),
    [
        ("valid", "2"),  # the only valid value
        ("trust", "3"),  # rank 1
        ("recent", "1"),  # updated last
        ("frequent", "4"),  # "b@x.fr" twice; ties end on the smallest source key (shop:4 < web:2)
        ("complete", "3"),  # the longest value
    ],
)
def test_each_rule_alone_keeps_its_best_candidate(rule: str, winner: str) -> None:
    # Given four records disagreeing on the e-mail
    records = [
        _record("web", "1", 3, NEW, email="a@x.fr", email_valid=False),
        _record("web", "2", 3, OLD, email="b@x.fr", email_valid=True),
        _record("crm", "3", 1, OLD, email="long.name@x.fr", email_valid=False),
        _record("shop", "4", 2, OLD, email="b@x.fr", email_valid=False),
    ]
    # When one rule decides
    chosen = choose(records, "email", (rule,), "email_valid")
    # Then its best candidate wins
    assert chosen is not None and chosen[0]["source_id"] == winner


def test_the_chain_falls_through_to_the_next_rule_and_finally_the_source_key() -> None:
    # Given two equally trusted, equally recent records
    records = [_record("web", "9", 1, NEW, city="Lyon"), _record("crm", "5", 1, NEW, city="Paris")]
    # When trust and recency cannot decide
    winner, rules = choose(records, "city", ("trust", "recent"))  # type: ignore[misc]
    # Then the smallest source key does, and the lineage says so
    assert winner["source_id"] == "5" and rules == ["first source key"]


def test_yaml_chains_replace_the_built_in_ones_and_the_lineage_names_the_rule() -> None:
    # Given a newer web record and an older, more trusted CRM record
    records = [
        _record("crm", "1", 1, OLD, first_name="Jean", last_name="Roux"),
        _record("web", "2", 3, NEW, first_name="Jean-Marc", last_name="Roux"),
    ]
    config = parse_survivorship("contact:\n  first_name: [recent, trust]\n")
    # When the YAML prefers the most recent first name
    golden = build_golden(records, config.contact_rules)
    # Then the web value wins, and the lineage records where it came from and why
    assert golden["first_name"] == "Jean-Marc"
    lineage = {item["attribute"]: item for item in golden["lineage"]}
    assert lineage["first_name"] == {
        "attribute": "first_name",
        "value": "Jean-Marc",
        "source": "web",
        "source_id": "2",
        "rule": "recent",
    }
    # And the built-in chain still applies to the attributes the YAML leaves out (trust for last_name)
    assert lineage["last_name"]["rule"] == "trust" and lineage["last_name"]["source"] == "crm"


def test_lineage_covers_every_golden_attribute_that_has_a_value() -> None:
    records = [
        _record(
            "crm",
            "1",
            1,
            OLD,
            civility="M",
            first_name="Paul",
            last_name="Roux",
            email="p@x.fr",
            email_valid=True,
            phone="+33612345678",
            phone_valid=True,
            street="1 rue A",
            postcode="75011",
            city="Paris",
            country="FR",
            birth_date=datetime(1980, 1, 2).date(),
            birth_date_valid=True,
            company_name="Acme",
            siret="73282932000074",
            siret_valid=True,
        )
    ]
    golden = build_golden(records, CONTACT_RULES)
    traced = {item["attribute"] for item in golden["lineage"]}
    assert traced == {rule.attribute for rule in CONTACT_RULES}
    assert all(item["value"] == str(golden[item["attribute"]]) for item in golden["lineage"])


def test_source_priority_in_yaml_ranks_sources_before_their_own_trust_rank() -> None:
    config = parse_survivorship("source_priority: [webforms, crm]\n")
    assert config.trust_rank("webforms", 3) == 1
    assert config.trust_rank("crm", 1) == 2
    # Unlisted sources come after, in their own order
    assert config.trust_rank("pos", 2) < config.trust_rank("erp", 4)
    assert config.trust_rank("pos", 2) > 2


def test_addresses_keep_every_distinct_address_with_the_golden_one_first() -> None:
    records = [
        _record("crm", "1", 1, OLD, street="1 rue A", postcode="75011", city="Paris", country="FR"),
        _record("web", "2", 3, NEW, street="9 rue B", postcode="69003", city="Lyon", country="FR"),
        _record("shop", "3", 2, OLD, street="1 rue A", postcode="75011", city="Paris", country="FR"),
    ]
    golden = build_golden(records, CONTACT_RULES)
    assert golden["addresses"] == [
        {"street": "9 rue B", "postcode": "69003", "city": "Lyon", "country": "FR"},
        {"street": "1 rue A", "postcode": "75011", "city": "Paris", "country": "FR"},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("contact:\n  shoe_size: [trust]\n", "contact.shoe_size: unknown attribute"),
        ("contact:\n  email: [trust, loudest]\n", "contact.email"),
        ("contact:\n  first_name: [valid]\n", "no validity flag"),
        ("account:\n  company_name: []\n", "empty"),
        ("source_priority: [crm, crm]\n", "listed twice"),
        ("rules: {}\n", "rules"),
    ],
)
def test_invalid_survivorship_yaml_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_survivorship(text)


def test_the_shipped_yaml_parses_and_the_default_is_the_built_in_rules() -> None:
    shipped = parse_survivorship((ROOT / "config" / "survivorship.yaml").read_text(encoding="utf-8"))
    assert shipped.source_priority[0] == "crm"
    assert SurvivorshipConfig().contact_rules == CONTACT_RULES
    assert set(get_args(SurvivorshipRule)) == set(RULES)
