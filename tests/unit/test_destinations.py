"""Destination formats, consent-aware audiences and the batches planned from them."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from cdp.activate import build_audience, plan_audience, plan_messages
from cdp.activate.formats import customer_match_record, mapped_record, match_email, match_phone, render_file
from cdp.config import ConfigError, parse_destination

# SHA-256 of the normalized strings, computed independently (sha256sum) from the platforms' rules.
GMAIL_DOTLESS = "d6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69"  # janedoe@gmail.com
PLUS_KEPT = "94b5d862169dab07fc26dfd32f3780635a4322caa186ca1885da0218d563b97e"  # jane.doe+news@example.fr
PHONE_E164 = "42d573cfc315801d4cd8eddd5416b416a0bf298b9b9e12d6b07442c91db42bd8"  # +33612345678
PHONE_DIGITS = "8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661"  # 33612345678
GMAIL_DOTS = "f41439c944a763c9812d700a779941cec169de13c9ccd13aaf9424ba5231620a"  # jane.doe+news@gmail.com
# janedoe+news@gmail.com
GMAIL_DOTLESS_PLUS = "d3b270ea0941753cc9e5a239cbd68cf66735867f70b0fa04d47b00e1c1a194d6"

GRANTED = {"channel": "email", "purpose": "marketing", "granted": True, "occurred_at": None}
WITHDRAWN = {
    "channel": "email",
    "purpose": "marketing",
    "granted": False,
    "occurred_at": datetime(2026, 11, 1, tzinfo=UTC),
}


def contact(customer_id: str, *consents: dict[str, Any], email: str | None = None) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "email": email or f"{customer_id}@example.fr",
        "emails": [email or f"{customer_id}@example.fr"],
        "phone": None,
        "phones": [],
        "country": "FR",
        "first_name": customer_id.title(),
        "consents": list(consents),
    }


def destination(text: str) -> Any:
    return parse_destination(text, "destinations/test.yaml")


EMAIL_HOOK = "name: mail\ntype: webhook\nurl: http://x\nconsent: {channel: email, purpose: marketing}\n"


def test_google_customer_match_normalizes_like_google_publishes() -> None:
    # Given an address with spaces, capitals, dots and a plus tag, and a French mobile in national form
    profile = {"emails": ["  Jane.Doe+News@GMAIL.com "], "phones": ["06 12 34 56 78"], "country": "FR"}
    # When it is formatted for Google
    record = customer_match_record(profile, "google")
    # Then gmail dots go, the plus tag stays, and the phone is hashed in E.164 with its "+"
    assert record == {"hashed_emails": [GMAIL_DOTLESS_PLUS], "hashed_phones": [PHONE_E164]}
    assert match_email("Jane.Doe@googlemail.com", "google") == "janedoe@googlemail.com"
    assert match_email(" Jane.Doe+news@Example.fr", "google") == "jane.doe+news@example.fr"


def test_meta_customer_match_only_trims_and_lowercases_and_hashes_phone_digits() -> None:
    profile = {"emails": ["Jane.Doe+News@Gmail.com", " jane.doe+news@example.fr"], "phones": ["+33612345678"]}
    record = customer_match_record(profile, "meta")
    assert record == {"hashed_emails": sorted([GMAIL_DOTS, PLUS_KEPT]), "hashed_phones": [PHONE_DIGITS]}
    assert match_phone("0033 6 12 34 56 78", "meta") == "33612345678"


def test_unmatchable_people_have_no_customer_match_record() -> None:
    assert customer_match_record({"emails": ["not an address"], "phones": ["12"]}, "google") is None
    assert customer_match_record({"email": "janedoe@gmail.com"}, "google") == {
        "hashed_emails": [GMAIL_DOTLESS],
        "hashed_phones": [],
    }


def test_crm_mapping_renames_golden_fields() -> None:
    mapping = {"Email": "email", "LastName": "last_name", "External_Id__c": "customer_id"}
    assert mapped_record({"customer_id": "C-1", "email": "a@b.fr"}, mapping) == {
        "Email": "a@b.fr",
        "LastName": None,
        "External_Id__c": "C-1",
    }


def test_people_without_consent_are_never_sent_and_withdrawals_are_removed_once() -> None:
    # Given a segment of three: ann granted e-mail marketing, bob never said, cy granted
    config = destination(EMAIL_HOOK)
    run1 = build_audience(
        config,
        ["ann", "bob", "cy"],
        {c: contact(c, GRANTED) for c in ("ann", "cy")} | {"bob": contact("bob")},
    )
    plan1 = plan_audience({}, run1)
    assert [r["customer_id"] for r in plan1.add] == ["ann", "cy"] and plan1.remove == []
    # When cy withdraws consent while still a member
    profiles = {
        "ann": contact("ann", GRANTED),
        "bob": contact("bob"),
        "cy": contact("cy", GRANTED, WITHDRAWN),
    }
    run2 = build_audience(config, ["ann", "bob", "cy"], profiles)
    plan2 = plan_audience(run1, run2)
    # Then cy is removed, bob is still never sent, and ann (unchanged) is not sent again
    assert plan2.add == [] and [r["customer_id"] for r in plan2.remove] == ["cy"]
    assert plan_audience(run2, run2).remove == []


def test_delta_full_resync_and_changed_records() -> None:
    before = {"a": {"customer_id": "a", "email": "a@x.fr"}, "b": {"customer_id": "b", "email": "b@x.fr"}}
    after = {"a": {"customer_id": "a", "email": "a@y.fr"}, "c": {"customer_id": "c", "email": "c@x.fr"}}
    plan = plan_audience(before, after)
    assert [r["customer_id"] for r in plan.add] == ["a", "c"]  # a changed: sent again as an upsert
    assert plan.remove == [before["b"]]  # the record b was sent, even if b left the golden records
    hashed = plan_audience(before, after, replace_changed=True)
    assert before["a"] in hashed.remove  # a hashed identity that changed is replaced, not duplicated
    assert [r["customer_id"] for r in plan_audience(after, after, full_resync=True).add] == ["a", "c"]


def test_batches_have_stable_idempotency_keys() -> None:
    plan = plan_audience({}, {str(i): {"customer_id": str(i)} for i in range(5)})
    first = plan_messages("dest", "seg", "run", plan, 2)
    again = plan_messages("dest", "seg", "run", plan, 2)
    assert [len(m.records) for m in first] == [2, 2, 1]
    assert [m.idempotency_key for m in first] == [m.idempotency_key for m in again]
    assert len({m.idempotency_key for m in first}) == 3
    assert json.loads(first[2].http_body())["records"] == [{"customer_id": "4"}]


def test_file_export_renders_csv_and_parquet() -> None:
    records = [{"customer_id": "C-1", "email": "a@b.fr", "phones": ["+33612345678", "+33140000000"]}]
    csv = pacsv.read_csv(io.BytesIO(render_file(records, ["customer_id", "email", "phones"], "csv")))
    assert csv.to_pylist() == [
        {"customer_id": "C-1", "email": "a@b.fr", "phones": "+33612345678|+33140000000"}
    ]
    parquet = pq.read_table(io.BytesIO(render_file(records, ["customer_id", "email"], "parquet")))
    assert parquet.to_pylist() == [{"customer_id": "C-1", "email": "a@b.fr"}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\ntype: carrier_pigeon\nurl: http://x", "type"),
        ("name: x\ntype: customer_match\nurl: http://x\nplatform: tiktok", "platform"),
        ("name: x\ntype: crm_upsert\nurl: http://x\nmapping: {}", "mapping"),
        ("name: x\ntype: webhook\nurl: http://x\nsecret: vault:abc", "secret"),
    ],
)
def test_invalid_destinations_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        destination(text)
