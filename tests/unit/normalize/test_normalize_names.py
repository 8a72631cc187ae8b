"""Person names: civility, display casing, matching keys, full-name splitting and swap detection."""

from __future__ import annotations

import pytest
from cdp.normalize import PersonName, is_first_name, normalize_civility, normalize_person_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("M", "M"),
        ("M.", "M"),
        ("Mr", "M"),
        ("MR.", "M"),
        ("Monsieur", "M"),
        ("monsieur", "M"),
        ("Mme", "MME"),
        ("Mme.", "MME"),
        ("MADAME", "MME"),
        ("Mrs", "MME"),
        ("Ms", "MME"),
        ("Mlle", "MLLE"),
        ("Melle", "MLLE"),
        ("Mademoiselle", "MLLE"),
        ("Miss", "MLLE"),
        ("Dr", "DR"),
        ("Dr.", "DR"),
        ("Docteur", "DR"),
        ("Me", "ME"),
        ("Maître", "ME"),
        ("Pr", "PR"),
        ("Professeur", "PR"),
        ("  mme  ", "MME"),
        ("M. et Mme", None),
        ("Mx", None),
        ("N/A", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("??", None),
        ("x" * 5000, None),
    ],
)
def test_civility(raw: str | None, expected: str | None) -> None:
    assert normalize_civility(raw) == expected


@pytest.mark.parametrize(
    ("first", "last", "exp_first", "exp_last", "exp_first_key", "exp_last_key"),
    [
        ("jean-pierre", "DUPONT", "Jean-Pierre", "Dupont", "jean pierre", "dupont"),
        ("JEAN-PIERRE", "dupont", "Jean-Pierre", "Dupont", "jean pierre", "dupont"),
        ("Marie-Hélène", "Lefèvre", "Marie-Hélène", "Lefèvre", "marie helene", "lefevre"),
        ("MARIE-HÉLÈNE", "LEFÈVRE", "Marie-Hélène", "Lefèvre", "marie helene", "lefevre"),
        ("jean", "DE LA FONTAINE", "Jean", "de La Fontaine", "jean", "de la fontaine"),
        ("Anna", "VAN DER BERG", "Anna", "van der Berg", "anna", "van der berg"),
        ("Sean", "O'BRIEN", "Sean", "O'Brien", "sean", "obrien"),
        ("Sean", "o’brien", "Sean", "O'Brien", "sean", "obrien"),
        ("Ronald", "MCDONALD", "Ronald", "McDonald", "ronald", "mcdonald"),
        ("Ronald", "McDonald", "Ronald", "McDonald", "ronald", "mcdonald"),
        ("Charles", "D'ARTAGNAN", "Charles", "d'Artagnan", "charles", "dartagnan"),
        ("Erwan", "LE GALL", "Erwan", "Le Gall", "erwan", "le gall"),
        ("Joao", "DA SILVA", "Joao", "da Silva", "joao", "da silva"),
        ("Joachim", "DU BELLAY", "Joachim", "du Bellay", "joachim", "du bellay"),
        ("Jean-Claude", "Van Damme", "Jean-Claude", "Van Damme", "jean claude", "van damme"),
        ("  jean   ", "  dupont ", "Jean", "Dupont", "jean", "dupont"),
        ("JEAN\u00a0PIERRE", "Dupont", "Jean Pierre", "Dupont", "jean pierre", "dupont"),
        ("e\u0301lodie", "DURAND", "Élodie", "Durand", "elodie", "durand"),
        ("Zoë", "Müller", "Zoë", "Müller", "zoe", "muller"),
        ("Chloé", "N/A", "Chloé", None, "chloe", None),
        ("-", "Martin", None, "Martin", None, "martin"),
        ("???", "Petit", None, "Petit", None, "petit"),
        ("Jean2", "Dupont", "Jean", "Dupont", "jean", "dupont"),
        ("Jean 😀", "Dupont", "Jean", "Dupont", "jean", "dupont"),
        ("J.", "Dupont", "J.", "Dupont", "j", "dupont"),
    ],
)
def test_first_last_display_and_keys(
    first: str,
    last: str,
    exp_first: str | None,
    exp_last: str | None,
    exp_first_key: str | None,
    exp_last_key: str | None,
) -> None:
    name = normalize_person_name(first, last)
    assert (name.first_name, name.last_name) == (exp_first, exp_last)
    assert (name.first_name_key, name.last_name_key) == (exp_first_key, exp_last_key)
    assert (name.first_name_raw, name.last_name_raw) == (first, last)


@pytest.mark.parametrize(
    ("full", "civility", "exp_first", "exp_last"),
    [
        ("Mme DUPONT Marie-Hélène", "MME", "Marie-Hélène", "Dupont"),
        ("Marie-Hélène Dupont", None, "Marie-Hélène", "Dupont"),
        ("DUPONT Marie", None, "Marie", "Dupont"),
        ("Marie DUPONT", None, "Marie", "Dupont"),
        ("DUPONT MARIE", None, "Marie", "Dupont"),
        ("MARIE DUPONT", None, "Marie", "Dupont"),
        ("dupont marie", None, "Marie", "Dupont"),
        ("Dupont, Marie", None, "Marie", "Dupont"),
        ("M. Jean DE LA FONTAINE", "M", "Jean", "de La Fontaine"),
        ("Jean de La Fontaine", None, "Jean", "de La Fontaine"),
        ("DUPONT JEAN PIERRE", None, "Jean Pierre", "Dupont"),
        ("Jean Pierre Dupont", None, "Jean Pierre", "Dupont"),
        ("Marie Martin", None, "Marie", "Martin"),
        ("Dr Sophie Bernard", "DR", "Sophie", "Bernard"),
        ("Mr John Smith", "M", "John", "Smith"),
        ("mcdonald ronald", None, "Ronald", "McDonald"),
        ("o'brien sean", None, "Sean", "O'Brien"),
        ("Marie", None, "Marie", None),
        ("Dupont", None, None, "Dupont"),
        ("Madame", "MME", None, None),
    ],
)
def test_full_name_split(
    full: str, civility: str | None, exp_first: str | None, exp_last: str | None
) -> None:
    # Given only a full name, When normalized, Then it is split into first and last name.
    name = normalize_person_name(None, None, full)
    assert (name.civility, name.first_name, name.last_name) == (civility, exp_first, exp_last)
    assert name.full_name_raw == full
    if exp_first is not None:
        assert name.first_name_raw == full  # lineage: the value came from the full name


def test_full_name_only_fills_the_missing_part() -> None:
    name = normalize_person_name("Marie", None, "Marie DUPONT")
    assert (name.first_name, name.last_name) == ("Marie", "Dupont")
    assert name.first_name_raw == "Marie"
    assert name.last_name_raw == "Marie DUPONT"


def test_full_name_ignored_when_both_parts_present() -> None:
    name = normalize_person_name("Marie", "Durand", "Jeanne Martin")
    assert (name.first_name, name.last_name) == ("Marie", "Durand")


@pytest.mark.parametrize(
    ("first", "last", "swapped", "exp_first", "exp_last"),
    [
        ("Dupont", "Marie", True, "Marie", "Dupont"),
        ("DUPONT", "JEAN-PIERRE", True, "Jean-Pierre", "Dupont"),
        ("Lefèvre", "Hélène", True, "Hélène", "Lefèvre"),
        ("Marie", "Dupont", False, "Marie", "Dupont"),
        ("Marie", "Martin", False, "Marie", "Martin"),  # both look like first names: leave as is
        ("Martin", "Sophie", False, "Martin", "Sophie"),  # ambiguous: never swap on doubt
        ("Dupont", "Durand", False, "Dupont", "Durand"),
        ("Smith", "John", True, "John", "Smith"),
    ],
)
def test_swapped_columns(first: str, last: str, swapped: bool, exp_first: str, exp_last: str) -> None:
    name = normalize_person_name(first, last)
    assert name.swapped is swapped
    assert (name.first_name, name.last_name) == (exp_first, exp_last)
    assert (name.first_name_raw, name.last_name_raw) == (first, last)  # raw columns stay as received


@pytest.mark.parametrize(
    ("first", "last", "civility", "exp_civility", "exp_first"),
    [
        ("M. Jean", "Dupont", None, "M", "Jean"),
        ("Mme Marie", "Dupont", None, "MME", "Marie"),
        ("Mme", "Dupont", None, "MME", None),
        ("Jean", "Dupont", "Mr", "M", "Jean"),
        ("Mme Marie", "Dupont", "Dr", "DR", "Marie"),  # an explicit civility column wins
        ("M Jean", "Dupont", None, None, "M Jean"),  # "M" without a dot could be an initial
    ],
)
def test_civility_in_name_columns(
    first: str, last: str, civility: str | None, exp_civility: str | None, exp_first: str | None
) -> None:
    name = normalize_person_name(first, last, civility=civility)
    assert name.civility == exp_civility
    assert name.first_name == exp_first


@pytest.mark.parametrize(
    ("first", "last", "full", "civility"),
    [
        (None, None, None, None),
        ("", "", "", ""),
        ("   ", "\t", "\n", " "),
        ("N/A", "null", "-", "??"),
        ("😀", "🎉", "💥", "🙂"),
        ("x" * 100_000, "y" * 100_000, "z" * 100_000, "w" * 100_000),
        ("\x00\x01", "\x7f", "\u200b", "\ufeff"),
    ],
)
def test_garbage_never_raises_and_keeps_raw(
    first: str | None, last: str | None, full: str | None, civility: str | None
) -> None:
    name = normalize_person_name(first, last, full, civility)
    assert isinstance(name, PersonName)
    raws = (name.first_name_raw, name.last_name_raw, name.full_name_raw, name.civility_raw)
    assert raws == (first, last, full, civility)
    assert name.first_name is None or len(name.first_name) <= 1000


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Marie", True),
        ("MARIE", True),
        ("Jean-Pierre", True),
        ("jean pierre", True),
        ("Hélène", True),
        ("Dupont", False),
        ("Lefèvre", False),
        ("", False),
        (None, False),
        ("123", False),
    ],
)
def test_is_first_name(name: str | None, expected: bool) -> None:
    assert is_first_name(name) is expected


def test_result_is_frozen() -> None:
    name = normalize_person_name("Marie", "Dupont")
    with pytest.raises(AttributeError):
        name.first_name = "x"  # type: ignore[misc]
