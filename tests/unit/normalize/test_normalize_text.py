"""Shared text helpers, reference tables and the result dataclasses."""

from __future__ import annotations

import dataclasses

import pytest
from cdp.normalize import data
from cdp.normalize._frozen import frozen
from cdp.normalize._text import clean, fold, is_null_text, to_ascii


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("\t\n", None),
        ("abc", "abc"),
        ("  a   b  ", "a b"),
        ("a\tb\nc", "a b c"),
        ("a\u00a0b", "a b"),
        ("a\u202fb", "a b"),
        ("a\u200bb", "ab"),
        ("\ufeffabc", "abc"),
        ("soft\u00adhyphen", "softhyphen"),
        ("a\x00b", "a b"),
        ("e\u0301", "é"),  # decomposed accent recomposed (NFC)
        (12, "12"),
        (1.5, "1.5"),
    ],
)
def test_clean(raw: object, expected: str | None) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Marie-Hélène", "marie helene"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("  DUPONT  ", "dupont"),
        ("Straße", "strasse"),
        ("Œuvre", "oeuvre"),
        ("Ærø", "aero"),
        ("Łódź", "lodz"),
        ("Müller & Fils", "muller fils"),
        ("S.A.S.", "s a s"),
        ("😀", ""),
        ("北京", "bei jing"),
        ("", ""),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


def test_to_ascii() -> None:
    assert to_ascii("Élodie Lefèvre") == "Elodie Lefevre"
    assert to_ascii("plain") == "plain"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N/A", True),
        ("n/a", True),
        ("#N/A", True),
        ("NULL", True),
        ("None", True),
        ("nan", True),
        ("-", True),
        ("--", True),
        ("?", True),
        ("???", True),
        ("...", True),
        ("Non renseigné", True),
        ("inconnu", True),
        ("😀", True),
        ("Marie", False),
        ("0", False),
        ("x", False),
        ("12 rue de la Paix", False),
        ("Nantes", False),
        ("NA Consulting", False),
        ("a" * 30, False),
        ("-" * 30, True),
    ],
)
def test_is_null_text(text: str, expected: bool) -> None:
    assert is_null_text(text) is expected


def test_tables_are_folded_and_substantial() -> None:
    assert len(data.FIRST_NAMES) >= 400
    assert all(name == fold(name) for name in data.FIRST_NAMES)
    assert {"marie", "jean", "helene", "francois", "mohamed", "john"} <= data.FIRST_NAMES
    assert all(domain == domain.lower() for domain in data.WEBMAIL_DOMAINS)
    assert data.COMMON_EMAIL_DOMAINS[0] == "gmail.com"
    assert set(data.COMMON_EMAIL_DOMAINS) == set(data.WEBMAIL_DOMAINS)
    assert set(data.CIVILITIES.values()) == {"M", "MME", "MLLE", "DR", "ME", "PR"}
    assert not data.TRUE_TOKENS & data.FALSE_TOKENS
    assert not data.NULL_TOKENS & (data.TRUE_TOKENS | data.FALSE_TOKENS)


def test_frozen_decorator() -> None:
    @frozen
    class Point:
        x: int
        y: int = 0

    p = Point(1)
    assert (p.x, p.y) == (1, 0)
    assert p == Point(1, 0) and hash(p) == hash(Point(1, 0))
    assert Point(x=2, y=3) == Point(2, 3)
    assert dataclasses.replace(p, y=5) == Point(1, 5)
    assert dataclasses.asdict(p) == {"x": 1, "y": 0}
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    assert not hasattr(p, "__dict__")  # slotted


def test_frozen_rejects_default_factories() -> None:
    with pytest.raises(TypeError):

        @frozen
        class Bad:
            items: list[int] = dataclasses.field(default_factory=list)
