"""Addresses: postcodes, street lines, cities and countries."""

from __future__ import annotations

import pytest
from cdp.normalize import normalize_city, normalize_country, normalize_postcode, normalize_street


@pytest.mark.parametrize(
    ("raw", "country", "value"),
    [
        ("75001", "FR", "75001"),
        (" 75001 ", "FR", "75001"),
        ("75 001", "FR", "75001"),
        ("75.001", "FR", "75001"),
        ("1000", "FR", "01000"),  # leading zero lost by a spreadsheet
        ("6000", "FR", "06000"),
        ("01000", "FR", "01000"),
        ("75001.0", "FR", "75001"),  # numeric cell exported as a float
        ("F-75001", "FR", "75001"),
        ("FR-75001", "FR", "75001"),
        ("FR75001", "FR", "75001"),
        ("20000", "FR", "20000"),  # Ajaccio, Corsica
        ("20200", "FR", "20200"),  # Bastia
        ("95000", "FR", "95000"),
        ("97400", "FR", "97400"),
        ("97400", "RE", "97400"),
        ("97100", "GP", "97100"),
        ("98000", "MC", "98000"),
        ("98800", "NC", "98800"),
        ("75001", "France", "75001"),
        ("75001", "fra", "75001"),
        ("75001", None, "75001"),
        ("1000", "BE", "1000"),
        ("B-1000", "BE", "1000"),
        ("1000", "Belgique", "1000"),
        ("1200", "CH", "1200"),
        ("CH-1200", "Suisse", "1200"),
        ("L-1234", "LU", "1234"),
        ("10115", "DE", "10115"),
        ("D-10115", "DE", "10115"),
        ("1067", "DE", "01067"),
        ("28001", "ES", "28001"),
        ("00100", "IT", "00100"),
        ("1234ab", "NL", "1234 AB"),
        ("1234 AB", "NL", "1234 AB"),
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("SW1A 1AA", "UK", "SW1A 1AA"),
        ("ec1a 1bb", "GB", "EC1A 1BB"),
        ("2134", "US", "02134"),
        ("601", "US", "00601"),
        ("118", "IT", "00118"),
        ("10001", "US", "10001"),
        ("10001-1234", "USA", "10001-1234"),
        ("k1a0b1", "CA", "K1A 0B1"),
        ("1000-001", "PT", "1000-001"),
        ("00-950", "PL", "00-950"),
        ("114 55", "SE", "114 55"),
        ("D02 X285", "IE", "D02 X285"),
        ("123456", "SG", "123456"),
        ("ab 12", "XX", "AB 12"),
    ],
)
def test_valid_postcodes(raw: str, country: str | None, value: str) -> None:
    postcode = normalize_postcode(raw, country)
    assert (postcode.value, postcode.valid, postcode.raw) == (value, True, raw)


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        (None, "FR"),
        ("", "FR"),
        ("  ", "FR"),
        ("N/A", "FR"),
        ("-", "FR"),
        ("00000", "FR"),
        ("00100", "FR"),
        ("96000", "FR"),
        ("99999", "FR"),
        ("750001", "FR"),
        ("0123", "FR"),  # even with its zero back (00123) not a French postcode
        ("750", "FR"),
        ("2A004", "FR"),  # a Corsican INSEE code, not a postcode
        ("ABCDE", "FR"),
        ("Paris", "FR"),
        ("12345", "BE"),
        ("1234", "NL"),
        ("ABC", "GB"),
        ("123", "DE"),  # German codes never start with 00
        ("601", "DE"),
        ("😀", "FR"),
        ("x" * 5000, "FR"),
        ("?", "XX"),
    ],
)
def test_invalid_postcodes(raw: str | None, country: str) -> None:
    postcode = normalize_postcode(raw, country)
    assert (postcode.value, postcode.valid, postcode.raw) == (None, False, raw)


@pytest.mark.parametrize(
    ("raw", "value", "key"),
    [
        ("12 rue de la Paix", "12 rue de la Paix", "12 rue de la paix"),
        ("12 RUE DE LA PAIX", "12 rue de la Paix", "12 rue de la paix"),
        ("12 r de la paix", "12 rue de la Paix", "12 rue de la paix"),
        ("12 R. DE LA PAIX", "12 rue de la Paix", "12 rue de la paix"),
        ("12, rue de la Paix", "12 rue de la Paix", "12 rue de la paix"),
        ("12B rue de la Paix", "12 bis rue de la Paix", "12 bis rue de la paix"),
        ("12 B RUE DE LA PAIX", "12 bis rue de la Paix", "12 bis rue de la paix"),
        ("12bis rue de la paix", "12 bis rue de la Paix", "12 bis rue de la paix"),
        ("12 BIS RUE DE LA PAIX", "12 bis rue de la Paix", "12 bis rue de la paix"),
        ("3 ter av Foch", "3 ter avenue Foch", "3 ter avenue foch"),
        ("3T AV FOCH", "3 ter avenue Foch", "3 ter avenue foch"),
        ("5 quater bd Voltaire", "5 quater boulevard Voltaire", "5 quater boulevard voltaire"),
        ("10 av des Champs-Élysées", "10 avenue des Champs-Élysées", "10 avenue des champs elysees"),
        ("10 AVE DES CHAMPS ELYSEES", "10 avenue des Champs Elysees", "10 avenue des champs elysees"),
        ("10 Avenue des Champs-Élysées", "10 avenue des Champs-Élysées", "10 avenue des champs elysees"),
        ("12-14 BD HAUSSMANN", "12-14 boulevard Haussmann", "12 14 boulevard haussmann"),
        ("1 BLVD HAUSSMANN", "1 boulevard Haussmann", "1 boulevard haussmann"),
        ("5 chem. des vignes", "5 chemin des Vignes", "5 chemin des vignes"),
        ("5 CHE DES VIGNES", "5 chemin des Vignes", "5 chemin des vignes"),
        ("1 PL DE LA MAIRIE", "1 place de la Mairie", "1 place de la mairie"),
        ("3 IMP DU MOULIN", "3 impasse du Moulin", "3 impasse du moulin"),
        ("4 ALL DES ROSES", "4 allée des Roses", "4 allee des roses"),
        ("4 allee des roses", "4 allée des Roses", "4 allee des roses"),
        ("7 rte de lyon", "7 route de Lyon", "7 route de lyon"),
        ("7 FG SAINT HONORE", "7 faubourg Saint-Honore", "7 faubourg saint honore"),
        ("8 QUAI DE LA TOURNELLE", "8 quai de la Tournelle", "8 quai de la tournelle"),
        ("12 RUE ST JACQUES", "12 rue Saint-Jacques", "12 rue saint jacques"),
        ("12 rue Ste Catherine", "12 rue Sainte-Catherine", "12 rue sainte catherine"),
        ("rue de l'église", "Rue de l'Église", "rue de leglise"),
        ("RUE DE L’ÉGLISE", "Rue de l'Église", "rue de leglise"),
        ("10 RUE DU GENERAL DE GAULLE", "10 rue du General de Gaulle", "10 rue du general de gaulle"),
        ("1 PL LOUIS XIV", "1 place Louis XIV", "1 place louis xiv"),
        ("LE BOURG", "Le Bourg", "le bourg"),
        ("12 LE BOURG", "12 Le Bourg", "12 le bourg"),
        ("LIEU-DIT LES GRANGES", "Lieu-dit les Granges", "lieu dit les granges"),
        ("BP 123", "BP 123", "bp 123"),
        ("ZI DES PAQUERETTES", "ZI des Paquerettes", "zi des paquerettes"),
        ("221B Baker St", "221B Baker Street", "221b baker street"),
        ("12 Main St", "12 Main Street", "12 main street"),
        ("12 main st.", "12 Main Street", "12 main street"),
        ("1600 Pennsylvania Ave", "1600 Pennsylvania Avenue", "1600 pennsylvania avenue"),
        ("10 Downing Rd", "10 Downing Road", "10 downing road"),
        ("42", "42", "42"),
        ("  12   rue   de   la   Paix  ", "12 rue de la Paix", "12 rue de la paix"),
        ("12\true\u00a0de la Paix", "12 rue de la Paix", "12 rue de la paix"),
    ],
)
def test_streets(raw: str, value: str, key: str) -> None:
    street = normalize_street(raw)
    assert (street.value, street.key, street.raw) == (value, key, raw)


@pytest.mark.parametrize(
    "raw",
    [None, "", "   ", "N/A", "-", "??", "null", "😀🏠", "...", "x" * 5000],
)
def test_street_garbage(raw: str | None) -> None:
    street = normalize_street(raw)
    assert (street.value, street.key, street.raw) == (None, None, raw)


def test_street_keys_match_across_spellings() -> None:
    spellings = [
        "12 bis av. Victor Hugo",
        "12B AVENUE VICTOR HUGO",
        "12 Bis Av Victor-Hugo",
        "12 bis, avenue victor hugo",
    ]
    assert len({normalize_street(s).key for s in spellings}) == 1


@pytest.mark.parametrize(
    ("raw", "value", "key"),
    [
        ("Paris", "Paris", "paris"),
        ("PARIS", "Paris", "paris"),
        ("paris", "Paris", "paris"),
        ("  Paris  ", "Paris", "paris"),
        ("PARIS CEDEX 08", "Paris Cedex 08", "paris"),
        ("Paris Cedex", "Paris Cedex", "paris"),
        ("Paris 8e", "Paris 8e", "paris"),
        ("PARIS 15EME", "Paris 15eme", "paris"),
        ("Lyon 3e arrondissement", "Lyon 3e arrondissement", "lyon"),
        ("75015 PARIS", "Paris", "paris"),
        ("ST ETIENNE", "Saint-Etienne", "saint etienne"),
        ("ST-ETIENNE", "Saint-Etienne", "saint etienne"),
        ("St-Étienne", "Saint-Étienne", "saint etienne"),
        ("SAINT ETIENNE", "Saint-Etienne", "saint etienne"),
        ("saint-étienne", "Saint-Étienne", "saint etienne"),
        ("st. malo", "Saint-Malo", "saint malo"),
        ("STE FOY LES LYON", "Sainte-Foy les Lyon", "sainte foy les lyon"),
        ("SAINT-GERMAIN-EN-LAYE", "Saint-Germain-en-Laye", "saint germain en laye"),
        ("ST GERMAIN EN LAYE", "Saint-Germain en Laye", "saint germain en laye"),
        ("L'ISLE-ADAM", "L'Isle-Adam", "lisle adam"),
        ("VILLENEUVE D'ASCQ", "Villeneuve d'Ascq", "villeneuve dascq"),
        ("LE HAVRE", "Le Havre", "le havre"),
        ("la rochelle", "La Rochelle", "la rochelle"),
        ("AIX-EN-PROVENCE", "Aix-en-Provence", "aix en provence"),
        ("BOULOGNE-BILLANCOURT", "Boulogne-Billancourt", "boulogne billancourt"),
        ("Châlons-en-Champagne", "Châlons-en-Champagne", "chalons en champagne"),
        ("CHALONS EN CHAMPAGNE", "Chalons en Champagne", "chalons en champagne"),
        ("Bourg-en-Bresse", "Bourg-en-Bresse", "bourg en bresse"),
        ("New York", "New York", "new york"),
        ("MÜNCHEN", "München", "munchen"),
        ("Köln", "Köln", "koln"),
    ],
)
def test_cities(raw: str, value: str, key: str) -> None:
    city = normalize_city(raw)
    assert (city.value, city.key, city.raw) == (value, key, raw)


@pytest.mark.parametrize("raw", [None, "", " ", "N/A", "-", "inconnu", "??", "😀", "x" * 5000])
def test_city_garbage(raw: str | None) -> None:
    city = normalize_city(raw)
    assert (city.value, city.key, city.raw) == (None, None, raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("France", "FR"),
        ("FRANCE", "FR"),
        ("france", "FR"),
        (" France ", "FR"),
        ("fr", "FR"),
        ("FR", "FR"),
        ("FRA", "FR"),
        ("250", "FR"),
        ("République française", "FR"),
        ("France métropolitaine", "FR"),
        ("Allemagne", "DE"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("DEU", "DE"),
        ("Royaume-Uni", "GB"),
        ("Royaume Uni", "GB"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("United Kingdom", "GB"),
        ("Angleterre", "GB"),
        ("GB", "GB"),
        ("Belgique", "BE"),
        ("België", "BE"),
        ("Belgium", "BE"),
        ("Suisse", "CH"),
        ("Switzerland", "CH"),
        ("Espagne", "ES"),
        ("Spain", "ES"),
        ("España", "ES"),
        ("Italie", "IT"),
        ("Italy", "IT"),
        ("Pays-Bas", "NL"),
        ("Pays Bas", "NL"),
        ("Netherlands", "NL"),
        ("Hollande", "NL"),
        ("États-Unis", "US"),
        ("ETATS-UNIS", "US"),
        ("Etats Unis", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("Luxembourg", "LU"),
        ("Portugal", "PT"),
        ("Maroc", "MA"),
        ("Algérie", "DZ"),
        ("Tunisie", "TN"),
        ("Côte d'Ivoire", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("Sénégal", "SN"),
        ("Chine", "CN"),
        ("Japon", "JP"),
        ("Korea, Republic of", "KR"),
        ("Russia", "RU"),
        ("Russie", "RU"),
        ("La Réunion", "RE"),
        ("Guadeloupe", "GP"),
        ("Nouvelle-Calédonie", "NC"),
        ("Monaco", "MC"),
    ],
)
def test_countries(raw: str, value: str) -> None:
    country = normalize_country(raw)
    assert (country.value, country.valid, country.raw) == (value, True, raw)


@pytest.mark.parametrize(
    "raw", [None, "", " ", "N/A", "NA", "-", "Narnia", "XX", "ZZZ", "12345", "😀", "x" * 5000]
)
def test_unknown_countries(raw: str | None) -> None:
    country = normalize_country(raw)
    assert (country.value, country.valid, country.raw) == (None, False, raw)


def test_country_default_applies_only_when_missing() -> None:
    assert normalize_country(None, "FR").value == "FR"
    assert normalize_country("", "France").value == "FR"
    assert normalize_country("Narnia", "FR").value is None
