from datetime import UTC, datetime

from cdp.golden import permits


def _at(day: int) -> datetime:
    return datetime(2026, 1, day, tzinfo=UTC)


def test_latest_statement_for_the_channel_decides() -> None:
    # Given an opt-in followed by an opt-out for e-mail
    consents = [
        {"channel": "email", "purpose": "marketing", "granted": True, "occurred_at": _at(1)},
        {"channel": "email", "purpose": "marketing", "granted": False, "occurred_at": _at(5)},
    ]
    # Then e-mail marketing is refused
    assert not permits(consents, "email", "marketing")


def test_no_statement_means_no_consent() -> None:
    assert not permits([], "email", "marketing")
    assert not permits(None, "sms")
    assert not permits([{"channel": "sms", "purpose": None, "granted": True, "occurred_at": _at(1)}], "email")


def test_statement_without_channel_or_purpose_covers_all() -> None:
    # Given a global opt-out after a channel-specific opt-in
    consents = [
        {"channel": "sms", "purpose": "marketing", "granted": True, "occurred_at": _at(1)},
        {"channel": None, "purpose": None, "granted": False, "occurred_at": _at(2)},
    ]
    assert not permits(consents, "sms", "marketing")
    # And a later specific opt-in wins again for that channel only
    consents.append({"channel": "sms", "purpose": "marketing", "granted": True, "occurred_at": _at(3)})
    assert permits(consents, "sms", "marketing")
    assert not permits(consents, "email", "marketing")


def test_refusal_wins_a_tie_and_unknown_flags_are_ignored() -> None:
    consents = [
        {"channel": "email", "purpose": None, "granted": True, "occurred_at": _at(1)},
        {"channel": "email", "purpose": None, "granted": False, "occurred_at": _at(1)},
        {"channel": "email", "purpose": None, "granted": None, "occurred_at": _at(9)},
    ]
    assert not permits(consents, "email")
