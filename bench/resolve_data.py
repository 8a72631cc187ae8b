"""Seeded multi-source customer records with known truth, to benchmark identity resolution.

Persons are drawn first (names with a realistic skew, birth dates, addresses weighted by city size,
phones, e-mails, employers), then each person gets 1-6 records (skewed) spread over sources that each
have their own habits: phone and date formats, letter case, which fields they fill. Records carry the
noise real files have (typos, nicknames, swapped names, dropped accents, gmail dots and plus tags, old
addresses of movers, maiden names, day/month swaps) and, so that precision is tested as hard as
recall, a large share of *hard negatives*: different persons who share a lot:

- households: 2-5 persons at one address with one surname and one landline, some sharing a family
  mailbox (famille.dupont@orange.fr);
- twins: one surname, one birth date, one address, different first names;
- namesakes: common first and last names ("Marie Martin") in one city or department;
- colleagues: one company name, SIRET, e-mail domain and switchboard number.

Columns are the canonical input of `cdp resolve` plus `true_id`, the person each record belongs to.
The output depends only on (records, seed). Columns are built with numpy; Python loops only format
strings: a million records take about a minute on one core.

Usage:
    python bench/resolve_data.py --records 100000 --seed 7 --out /tmp/customers-100k.parquet
"""

from __future__ import annotations

import argparse
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

Strs = npt.NDArray[np.object_]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]

COLUMNS = (
    "source",
    "source_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "city",
    "postcode",
    "country",
    "birth_date",
    "company_name",
    "siret",
    "updated_at",
)

# ---------------------------------------------------------------------------------------------------
# Reference lists. Order is popularity: weights follow a Zipf law over the position.
# ---------------------------------------------------------------------------------------------------


def _words(text: str, separator: str | None = None) -> list[str]:
    """Items of a compact text block; "_" stands for a space inside an item (Le_Gall)."""
    return [word.strip().replace("_", " ") for word in text.split(separator) if word.strip()]


FEMALE = _words("""
Marie Nathalie Isabelle Sylvie Catherine Sandrine Christine Valérie Véronique Céline Stéphanie Sophie
Françoise Camille Julie Aurélie Émilie Laura Léa Manon Chloé Emma Sarah Caroline Anne Martine Nicole
Monique Patricia Christiane Brigitte Laurence Florence Virginie Élodie Audrey Mélanie Pauline Marion
Claire Lucie Inès Jade Louise Alice Juliette Hélène Anne-Sophie Marie-Claire Marie-Hélène Jacqueline
Danielle Annie Chantal Dominique Corinne Karine Delphine Agnès Émilie Charlotte Clémence Mathilde
Margaux Océane Justine Anaïs Noémie Elisa Zoé Lina Mila Rose Ambre Anna Romane Jeanne Agathe Yasmine
Fatima Amina Samia Nadia Leïla Jessica Vanessa Alexandra Elisabeth Patricia Gabrielle Joséphine
Emmanuelle Béatrice Odile Josiane Ginette Colette Simone Régine Murielle Solène Morgane Maëlle
""")
MALE = _words("""
Jean Philippe Michel Alain Patrick Nicolas Christophe Pierre Christian Éric Frédéric Laurent Stéphane
David Pascal Daniel Julien Thomas Sébastien Olivier Bernard Thierry François Dominique Jacques Didier
Vincent Antoine Maxime Alexandre Romain Kévin Guillaume Mathieu Benjamin Anthony Lucas Hugo Louis
Gabriel Jules Arthur Raphaël Léo Adam Paul Nathan Ethan Noah Mathis Théo Tom Enzo Clément Quentin
Florian Jérémy Damien Cédric Sylvain Arnaud Jérôme Fabrice Franck Bruno Gérard Claude René Marcel
Jean-Pierre Jean-François Jean-Luc Jean-Claude Jean-Marc Jean-Baptiste Jean-Paul Mohamed Karim
Mehdi Yassine Rachid Samir Emmanuel Benoît Gilles Hervé Serge Yves Joël Lionel Ludovic Grégory
Xavier Aurélien Valentin Baptiste Victor Timothée Maximilien Adrien Bastien Gaëtan Loïc Yannick
""")
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Alexandre": ("Alex",),
    "Alexandra": ("Alex", "Sandra"),
    "Christophe": ("Chris",),
    "Christine": ("Chris", "Christina"),
    "Nicolas": ("Nico",),
    "Frédéric": ("Fred",),
    "Stéphane": ("Steph",),
    "Stéphanie": ("Steph", "Fanny"),
    "Sébastien": ("Seb",),
    "Maxime": ("Max",),
    "Maximilien": ("Max",),
    "Thomas": ("Tom",),
    "Mathieu": ("Matthieu", "Matt"),
    "Catherine": ("Cathy", "Katia"),
    "Isabelle": ("Isa", "Babette"),
    "Elisabeth": ("Babeth", "Lisa", "Élisabeth"),
    "Jean-Pierre": ("JP", "Jean Pierre", "Jean"),
    "Jean-François": ("JF", "Jean François", "Jean"),
    "Jean-Baptiste": ("JB", "Jean Baptiste"),
    "Jean-Claude": ("Jean Claude", "JC"),
    "Jean-Luc": ("Jean Luc",),
    "Jean-Marc": ("Jean Marc",),
    "Jean-Paul": ("Jean Paul",),
    "Marie-Hélène": ("Marie Hélène", "Marie"),
    "Marie-Claire": ("Marie Claire", "Marie"),
    "Anne-Sophie": ("Anne Sophie", "Anne"),
    "Dominique": ("Dom",),
    "Valentin": ("Val",),
    "Valérie": ("Val",),
    "Caroline": ("Caro",),
    "Benjamin": ("Ben",),
    "Raphaël": ("Raph", "Raphael"),
    "Anthony": ("Tony", "Antony"),
    "Patrick": ("Pat",),
    "Patricia": ("Pat", "Patty"),
    "Emmanuel": ("Manu",),
    "Emmanuelle": ("Manue",),
    "Jacqueline": ("Jackie",),
    "Jacques": ("Jacky",),
    "Florence": ("Flo",),
    "Florian": ("Flo",),
    "Aurélien": ("Aurel",),
    "Philippe": ("Phil",),
    "Timothée": ("Tim", "Timothe"),
    "Margaux": ("Margot",),
    "Gabriel": ("Gaby",),
    "Gabrielle": ("Gaby",),
    "Véronique": ("Véro",),
    "Mohamed": ("Mohammed", "Mohammad"),
    "Kévin": ("Kevin",),
    "Joséphine": ("Josy", "Josephine"),
    "Grégory": ("Greg",),
    "Yannick": ("Yann",),
    "Benoît": ("Ben", "Benoit"),
    "Guillaume": ("Will",),
    "Anaïs": ("Anais",),
    "Mathilde": ("Mathy",),
    "Clémence": ("Clem",),
    "Clément": ("Clem",),
}
SURNAMES_HEAD = _words("""
Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy
Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller
Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia
Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont
Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard
Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre
Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet
Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis
Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier
Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly Hervé
Schneider Fernandez Le_Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Le_Roux Cousin
Germain Breton Besson Langlois Rémy Le_Goff Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal
Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin Poulain
Tessier Chevallier Collin Chauvin Da_Silva Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud
Antoine Hoarau Perret Barthélémy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier
Laporte Nguyen Dos_Santos Ferreira Benali Haddad Diallo Traoré Yilmaz Rossi Martins Gomes Pereira
Rodrigues Da_Costa Cohen Lévy Benoit Hamel Lebon Texier Morvan Kerboriou Le_Bihan Tanguy
""")
SURNAMES_HEAD = list(dict.fromkeys(SURNAMES_HEAD))
# The long tail: plausible French surnames from syllables, each shared by only a few persons.
_STARTS = _words("""Ber Bou Cha Che Cla Cou Dau Del Des Dou Fau Fer Fon Gal Gau Gil Gre Gui Jou Lab Lac Lam
Lan Lar Lau Lec Lef Lem Ler Mal Mar Mas Mau Mer Mon Mor Pel Per Pic Pou Rab Ren Rib Roc Rou Sau Tes
Thi Tou Val Ver Vil Ker Bri Cor Gra Pla Tre Bar Car Bel Bon Dam Dur Fal Gar Hal Jal Mon Pal Sal Tal
Vau Bal Cam Dor Fel Lor Mir Nor Pan Sar Tar""")
_MIDS = [
    "",
    *_words("a e i o ou an en on ar er ill ri li ta na mi ss l r n s t v d g m ch ll rn rt nd st gn"),
]
_ENDS = _words("ard ier eau in et ot on and aud ec el eux ant ou y é ès ault oux at ine ois ac ic elle")
_VOWELS = set("aeiouyéè")


def _euphonic(*parts: str) -> bool:
    """No vowel meets a vowel where syllables join ("Tre" + "ou" + "ard" reads badly)..."""
    joined = [p for p in parts if p]
    if any(a[-1] in _VOWELS and b[0] in _VOWELS for a, b in zip(joined, joined[1:], strict=False)):
        return False
    consonants = "".join("c" if ch not in _VOWELS else "v" for ch in "".join(joined).lower())
    return "ccc" not in consonants  # nor three consonants in a row ("Delrnine")


SURNAMES_TAIL = sorted(
    {(s + m + e).capitalize() for s in _STARTS for m in _MIDS for e in _ENDS if _euphonic(s, m, e)}
)
SURNAMES = list(dict.fromkeys(SURNAMES_HEAD + SURNAMES_TAIL))
HEAD_SHARE = 0.18  # persons whose surname is one of the common ones

# postcode|city|population in thousands (arrondissements of the three largest cities listed apart).
_CITY_ROWS = """
01000|Bourg-en-Bresse|41 02100|Saint-Quentin|53 03200|Vichy|25 04000|Digne-les-Bains|16 05000|Gap|41
06000|Nice|120 06100|Nice|110 06200|Nice|60 06300|Nice|50 06400|Cannes|74 06600|Antibes|73
07000|Privas|8 08000|Charleville-Mézières|46 09000|Foix|10 10000|Troyes|61 11000|Carcassonne|46
12000|Rodez|24 13090|Aix-en-Provence|70 13100|Aix-en-Provence|75 13200|Arles|51 14000|Caen|106
15000|Aurillac|26 16000|Angoulême|41 17000|La_Rochelle|77 18000|Bourges|64 19000|Tulle|14
20000|Ajaccio|72 21000|Dijon|160 22000|Saint-Brieuc|44 23000|Guéret|13 24000|Périgueux|30
25000|Besançon|117 26000|Valence|64 27000|Évreux|47 28000|Chartres|39 29000|Quimper|63 29200|Brest|140
30000|Nîmes|100 30900|Nîmes|50 31000|Toulouse|120 31100|Toulouse|90 31200|Toulouse|90 31300|Toulouse|90
31400|Toulouse|60 31500|Toulouse|40 33000|Bordeaux|100 33100|Bordeaux|50 33200|Bordeaux|50
33300|Bordeaux|40 33600|Pessac|64 33700|Mérignac|70 34000|Montpellier|120 34070|Montpellier|70
34080|Montpellier|60 34090|Montpellier|50 34500|Béziers|78 35000|Rennes|120 35200|Rennes|60
35400|Saint-Malo|47 35700|Rennes|42 36000|Châteauroux|43 37000|Tours|70 37100|Tours|40 37200|Tours|27
38000|Grenoble|90 38100|Grenoble|68 39000|Lons-le-Saunier|17 41000|Blois|46 42000|Saint-Étienne|120
42100|Saint-Étienne|53 44000|Nantes|150 44100|Nantes|60 44200|Nantes|60 44300|Nantes|50
44600|Saint-Nazaire|70 45000|Orléans|80 45100|Orléans|36 46000|Cahors|20 47000|Agen|33 48000|Mende|12
49000|Angers|100 49100|Angers|57 50100|Cherbourg-en-Cotentin|79 51100|Reims|180 52000|Chaumont|22
53000|Laval|50 54000|Nancy|80 54100|Nancy|25 55000|Bar-le-Duc|15 56000|Vannes|54 56100|Lorient|57
57000|Metz|70 57050|Metz|28 57070|Metz|20 58000|Nevers|33 59000|Lille|150 59100|Roubaix|98
59140|Dunkerque|87 59200|Tourcoing|98 59650|Villeneuve-d'Ascq|62 59800|Lille|85 60000|Beauvais|56
61000|Alençon|26 62100|Calais|73 63000|Clermont-Ferrand|100 63100|Clermont-Ferrand|47 64000|Pau|75
64100|Bayonne|52 65000|Tarbes|42 66000|Perpignan|80 66100|Perpignan|40 67000|Strasbourg|150
67100|Strasbourg|80 67200|Strasbourg|60 68000|Colmar|68 68100|Mulhouse|70 68200|Mulhouse|38
69100|Villeurbanne|155 69200|Vénissieux|66 70000|Vesoul|15 71000|Mâcon|34 72000|Le_Mans|100
72100|Le_Mans|45 73000|Chambéry|59 74000|Annecy|130 76000|Rouen|80 76100|Rouen|33 76600|Le_Havre|168
77000|Melun|41 77100|Meaux|55 77300|Fontainebleau|15 78000|Versailles|85 78100|Saint-Germain-en-Laye|45
79000|Niort|59 80000|Amiens|135 81000|Albi|49 82000|Montauban|61 83000|Toulon|100 83100|Toulon|80
83500|La_Seyne-sur-Mer|62 84000|Avignon|91 86000|Poitiers|89 87000|Limoges|130 88000|Épinal|32
89000|Auxerre|35 90000|Belfort|47 91000|Évry-Courcouronnes|67 92000|Nanterre|96
92100|Boulogne-Billancourt|121 92110|Clichy|62 92130|Issy-les-Moulineaux|68 92200|Neuilly-sur-Seine|60
92300|Levallois-Perret|65 92400|Courbevoie|82 92500|Rueil-Malmaison|78 92600|Asnières-sur-Seine|86
92700|Colombes|86 93100|Montreuil|110 93200|Saint-Denis|113 93300|Aubervilliers|88 93500|Pantin|59
93600|Aulnay-sous-Bois|86 94000|Créteil|92 94100|Saint-Maur-des-Fossés|75 94200|Ivry-sur-Seine|63
94400|Vitry-sur-Seine|95 95000|Cergy|66 95100|Argenteuil|110 95200|Sarcelles|58 97300|Cayenne|63
97400|Saint-Denis|150 97460|Saint-Paul|105
"""
CITIES: list[tuple[str, str, float]] = [
    (p, c, float(k)) for p, c, k in (row.split("|") for row in _words(_CITY_ROWS))
]
CITIES += [(f"750{i:02d}", "Paris", 105.0) for i in range(1, 21)]
CITIES += [(f"6900{i}", "Lyon", 58.0) for i in range(1, 10)]
CITIES += [(f"130{i:02d}", "Marseille", 54.0) for i in range(1, 17)]
# First digit of landlines by department (French numbering zones), the rest is zone 4 or 5.
_ZONE1 = set(_words("75 77 78 91 92 93 94 95"))
_ZONE2 = set(_words("14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 79 85 86"))
_ZONE3 = set(_words("02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90"))
_ZONE5 = set(_words("09 11 12 16 17 19 23 24 31 32 33 40 46 47 64 65 66 81 82 87"))

STREET_TYPES: list[tuple[str, ...]] = [
    ("rue", "Rue", "RUE", "r."),
    ("avenue", "Avenue", "av.", "av", "Av"),
    ("boulevard", "Boulevard", "bd", "Bd", "bld"),
    ("place", "Place", "pl."),
    ("chemin", "Chemin", "ch.", "chem."),
    ("impasse", "Impasse", "imp."),
    ("allée", "Allée", "allee", "all."),
    ("route", "Route", "rte"),
    ("quai", "Quai"),
    ("cours", "Cours", "crs"),
]
STREET_TYPE_WEIGHTS = [50, 14, 9, 4, 5, 4, 4, 5, 2, 3]
STREET_NAMES = _words(
    """de la République|Victor Hugo|du Général de Gaulle|Jean Jaurès|Pasteur|de la Paix|des Lilas|
Gambetta|Foch|de Verdun|du Moulin|de l'Église|des Écoles|Jules Ferry|de la Gare|Nationale|du Château|
Voltaire|Émile Zola|Carnot|de la Liberté|Anatole France|des Acacias|du Stade|de la Mairie|Saint-Jacques|
Jean Moulin|Georges Clemenceau|Aristide Briand|de Strasbourg|de Paris|de Lyon|Paul Bert|Louis Pasteur|
des Tilleuls|des Roses|du Port|de la Fontaine|Alsace-Lorraine|du 8 Mai 1945|du 11 Novembre|
de la Libération|Marcel Pagnol|Molière|Lamartine|Gabriel Péri|Henri Barbusse|Pierre Curie|
Marie Curie|des Peupliers|des Chênes|du Commerce|de la Poste|Édouard Herriot|Léon Blum|
Charles de Gaulle|Maréchal Leclerc|des Vignes|du Lavoir|de Bretagne|de Normandie|des Jardins|
Saint-Martin|Saint-Michel|Sainte-Anne|de la Croix|des Prés|Thiers|Danton|Hoche|Kléber|Mozart|
Berlioz|Debussy|Ravel|Rameau|des Marronniers|du Bois|de la Forêt|du Canal|des Alpes|de Provence""".replace(
        "\n", ""
    ),
    "|",
)

WEBMAILS = [
    ("gmail.com", 34),
    ("orange.fr", 12),
    ("hotmail.fr", 10),
    ("free.fr", 8),
    ("yahoo.fr", 6),
    ("sfr.fr", 5),
    ("laposte.net", 5),
    ("wanadoo.fr", 4),
    ("outlook.fr", 4),
    ("hotmail.com", 3),
    ("icloud.com", 3),
    ("live.fr", 2),
    ("neuf.fr", 1),
    ("aol.com", 1),
    ("gmx.fr", 1),
]
EMAIL_TYPO_DOMAINS = {
    "gmail.com": "gmial.com",
    "hotmail.fr": "hotmial.fr",
    "orange.fr": "ornage.fr",
    "yahoo.fr": "yahooo.fr",
    "free.fr": "fre.fr",
    "wanadoo.fr": "wanado.fr",
    "laposte.net": "laposte.fr",
}
COMPANY_KINDS = _words(
    """Transports|Boulangerie|Cabinet|Garage|Pharmacie|Atelier|Groupe|Agence|Menuiserie|Imprimerie|
Laboratoires|Clinique|Restaurant|Hôtel|Librairie|Plomberie|Électricité|Assurances|Immobilier|Bâtiment|
Informatique|Conseil|Logistique|Distribution|Optique|Traiteur|Auto-École|Maçonnerie|Paysages|Fromagerie
""".replace("\n", ""),
    "|",
)
COMPANY_TAILS = _words(
    """du Centre|des Alpes|de l'Ouest|du Sud|de Bretagne|Services|Conseil|Industrie|& Fils|Frères|
Associés|Provence|Atlantique|Méditerranée|Normandie|Solutions|Expertise|Innovation|Rhône|Loire|Est|Nord
""".replace("\n", ""),
    "|",
)
COMPANY_FORMS = ["", "", "", " SAS", " SARL", " SA", " EURL", " S.A.S.", " sarl"]

# ---------------------------------------------------------------------------------------------------
# Sources and their habits.
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """How one source system captures a customer."""

    name: str
    weight: float  # share of the records of persons without an employer
    b2b_weight: float  # share of the records of employed persons
    id_format: str  # str.format with the record's sequence number in the source
    name_case: tuple[float, float, float]  # P(as typed: Title), P(UPPER), P(lower)
    accents_dropped: float
    typo: float  # per name field
    nickname: float
    swapped: float  # first and last name in each other's column
    email: float  # filled
    phone: float
    phone_formats: tuple[tuple[int, float], ...]  # (format index, weight), see _format_phone
    birth: float
    birth_formats: tuple[tuple[int, float], ...]  # see _format_birth
    street: float
    postcode: float  # filled (city follows postcode)
    last_name: float
    company: float  # company_name / siret filled, for employed persons
    country: tuple[str | None, ...]
    updated_format: int


SOURCES: tuple[Source, ...] = (
    Source(
        "crm", 0.26, 0.22, "CRM{:07d}", (0.85, 0.1, 0.05), 0.05, 0.02, 0.03, 0.01, 0.85, 0.9,
        ((0, 0.8), (5, 0.1), (1, 0.1)), 0.75, ((1, 0.85), (0, 0.15)), 0.92, 0.97, 1.0, 0.35,
        ("France", "France", "FRANCE", "FR", None), 0,
    ),
    Source(
        "webshop", 0.32, 0.18, "W{:08d}", (0.6, 0.1, 0.3), 0.35, 0.04, 0.06, 0.01, 1.0, 0.8,
        ((2, 0.6), (1, 0.25), (3, 0.15)), 0.45, ((0, 0.9), (3, 0.1)), 0.96, 0.98, 0.99, 0.05,
        ("FR",), 1,
    ),
    Source(
        "pos", 0.22, 0.12, "2900{:09d}", (0.05, 0.9, 0.05), 0.95, 0.04, 0.02, 0.03, 0.45, 0.8,
        ((1, 0.7), (9, 0.15), (8, 0.15)), 0.6, ((2, 0.6), (1, 0.4)), 0.45, 0.9, 0.98, 0.0,
        (None,), 2,
    ),
    Source(
        "newsletter", 0.12, 0.08, "nl-{:x}", (0.5, 0.05, 0.45), 0.3, 0.03, 0.1, 0.0, 1.0, 0.08,
        ((6, 1.0),), 0.2, ((0, 1.0),), 0.03, 0.45, 0.5, 0.0, (None,), 1,
    ),
    Source(
        "support", 0.08, 0.1, "SUP-{:06d}", (0.8, 0.1, 0.1), 0.2, 0.07, 0.08, 0.04, 0.95, 0.95,
        ((4, 0.4), (3, 0.3), (7, 0.3)), 0.15, ((1, 0.5), (4, 0.5)), 0.3, 0.6, 0.97, 0.1,
        ("France", "FRANCE", None), 0,
    ),
    Source(
        "erp", 0.0, 0.3, "CLI{:06d}", (0.4, 0.6, 0.0), 0.5, 0.03, 0.04, 0.02, 0.9, 0.92,
        ((5, 0.6), (0, 0.4)), 0.03, ((1, 1.0),), 0.95, 0.98, 1.0, 1.0, ("FR", "FRANCE"), 2,
    ),
)  # fmt: skip

RECORDS_PER_PERSON = np.array([0.42, 0.25, 0.15, 0.09, 0.05, 0.04])  # 1..6 records, mean 2.3

# ---------------------------------------------------------------------------------------------------
# Helpers.
# ---------------------------------------------------------------------------------------------------


def _zipf(size: int, exponent: float) -> Floats:
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    return weights / weights.sum()


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _slug(text: str) -> str:
    """Lower-case ASCII letters, digits, dots and hyphens, as mailbox names are typed."""
    kept = "".join(ch for ch in _ascii(text).lower().replace(" ", "-") if ch.isalnum() or ch in ".-")
    return kept.strip(".-")


def _map(values: Strs, mask: Bools, function: Callable[[str], str]) -> None:
    """Apply `function` in place to the masked, non-null values, once per distinct value."""
    index = np.flatnonzero(mask)
    cache: dict[str, str] = {}
    out = values[index]
    for i, value in enumerate(out):
        if value is not None:
            mapped = cache.get(value)
            if mapped is None:
                mapped = cache[value] = function(value)
            out[i] = mapped
    values[index] = out


def _pick(rng: np.random.Generator, choices: Sequence[tuple[int, float]], size: int) -> Ints:
    options = np.array([c for c, _ in choices])
    weights = np.array([w for _, w in choices], dtype=np.float64)
    return options[rng.choice(len(options), size=size, p=weights / weights.sum())]


def _unique_digits(rng: np.random.Generator, count: int, low: int, high: int) -> Ints:
    """`count` distinct integers in [low, high), in random order."""
    drawn = rng.integers(low, high, size=int(count * 1.3) + 100)
    _, first = np.unique(drawn, return_index=True)
    distinct = drawn[np.sort(first)]
    if len(distinct) < count:
        raise ValueError("range too small for distinct numbers")
    return distinct[:count]


_TYPO_LETTERS = "aeiourstlnmcdp"


def _typo(text: str, draw: int) -> str:
    """One keyboard-style error: substitution, deletion, doubling or transposition (draw picks which)."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    pos = letters[1 + draw % (len(letters) - 1)]  # keep the first letter: it is rarely mistyped
    kind = (draw // 7) % 4
    if kind == 0:
        new = _TYPO_LETTERS[(draw // 29) % len(_TYPO_LETTERS)]
        if new == text[pos].lower():
            new = "e" if new != "e" else "a"
        return text[:pos] + (new.upper() if text[pos].isupper() else new) + text[pos + 1 :]
    if kind == 1:
        return text[:pos] + text[pos + 1 :]
    if kind == 2:
        return text[:pos] + text[pos] + text[pos:]
    if pos + 1 < len(text):
        return text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :]
    return text[:pos] + text[pos + 1 :]


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def _siret(rng: np.random.Generator) -> str:
    """A SIRET whose SIREN and 14 digits both pass Luhn, as real ones do."""
    siren = str(int(rng.integers(10_000_000, 99_999_999)))
    siren += _luhn_digit(siren)
    nic = f"{int(rng.integers(1, 9999)):04d}"
    return siren + nic + _luhn_digit(siren + nic)


def _department(postcode: str) -> str:
    return postcode[:3] if postcode.startswith("97") else postcode[:2]


def _zone(postcode: str) -> str:
    department = _department(postcode)
    if department.startswith("97"):
        return {"973": "594", "974": "262"}.get(department, "596")
    for digit, zone in (("1", _ZONE1), ("2", _ZONE2), ("3", _ZONE3), ("5", _ZONE5)):
        if department in zone:
            return digit
    return "4"


def _landlines(rng: np.random.Generator, postcodes: Sequence[str]) -> Strs:
    """Distinct 9-digit national landline numbers whose prefix matches the postcode's zone."""
    digits = _unique_digits(rng, len(postcodes), 10_000_000, 99_999_999)
    out = np.empty(len(postcodes), dtype=object)
    for i, (postcode, number) in enumerate(zip(postcodes, digits, strict=True)):
        zone = _zone(postcode)
        out[i] = (zone + f"{number:08d}")[:9] if len(zone) == 1 else zone + f"{number:08d}"[2:]
    return out


# ---------------------------------------------------------------------------------------------------
# Persons.
# ---------------------------------------------------------------------------------------------------


@dataclass
class Addresses:
    """Postal addresses; each household or single person owns one (movers two)."""

    number: Ints
    kind: Ints  # index into STREET_TYPES
    name: Ints  # index into STREET_NAMES
    city: Ints  # index into CITIES

    @classmethod
    def draw(cls, rng: np.random.Generator, cities: Ints) -> Addresses:
        count = len(cities)
        weights = np.array(STREET_TYPE_WEIGHTS, dtype=np.float64)
        return cls(
            number=np.minimum(rng.geometric(1 / 35, size=count), 400).astype(np.int64),
            kind=rng.choice(len(STREET_TYPES), size=count, p=weights / weights.sum()),
            name=rng.integers(0, len(STREET_NAMES), size=count),
            city=cities,
        )

    def concat(self, other: Addresses) -> Addresses:
        return Addresses(
            *(np.concatenate([a, b]) for a, b in zip(self.astuple(), other.astuple(), strict=True))
        )

    def astuple(self) -> tuple[Ints, Ints, Ints, Ints]:
        return self.number, self.kind, self.name, self.city


@dataclass
class People:
    """One row per true person (index = true_id)."""

    female: Bools
    first: Ints  # index into FIRST
    last: Ints  # index into SURNAMES
    maiden: Ints  # former surname (index into SURNAMES) or -1
    birth: npt.NDArray[np.datetime64]
    group_kind: Ints  # 0 single, 1 household, 2 twins, 3 namesakes
    group: Ints  # household or namesake group id, -1 for singles
    address: Ints  # index into the address table
    old_address: Ints  # movers: previous address, else -1
    mobile: Strs  # 9 national digits
    old_mobile: Strs  # None unless the person changed numbers
    landline: Strs  # shared by a household; None when there is none
    email: Strs
    alt_email: Strs  # an older mailbox at another provider, or None
    family_email: Strs  # the household's shared mailbox, or None
    company: Ints  # employer (index into the company table) or -1
    company_email: Strs


@dataclass
class Companies:
    """Employers: colleagues share the name, SIRET, e-mail domain, switchboard and address."""

    name: list[str]
    siret: list[str]
    domain: list[str]
    switchboard: Strs
    address: Ints


FIRST = FEMALE + MALE


def _first_names(rng: np.random.Generator, female: Bools) -> Ints:
    out = np.empty(len(female), dtype=np.int64)
    count = int(female.sum())
    out[female] = rng.choice(len(FEMALE), size=count, p=_zipf(len(FEMALE), 0.55))
    out[~female] = len(FEMALE) + rng.choice(len(MALE), size=len(female) - count, p=_zipf(len(MALE), 0.55))
    return out


def _surnames(rng: np.random.Generator, count: int) -> Ints:
    head = rng.random(count) < HEAD_SHARE
    out = len(SURNAMES_HEAD) + rng.integers(0, len(SURNAMES) - len(SURNAMES_HEAD), size=count)
    out[head] = rng.choice(len(SURNAMES_HEAD), size=int(head.sum()), p=_zipf(len(SURNAMES_HEAD), 0.5))
    return out


def _birth_dates(rng: np.random.Generator, years: Floats) -> npt.NDArray[np.datetime64]:
    years = np.clip(years, 1932, 2006)
    days = ((years - 1970) * 365.25).astype(np.int64) + rng.integers(0, 365, size=len(years))
    return np.minimum(days, np.datetime64("2006-12-31", "D").astype(np.int64)).astype("datetime64[D]")


def _emails(
    rng: np.random.Generator, first: Ints, last: Ints, birth: npt.NDArray[np.datetime64], taken: set[str]
) -> Strs:
    """Personal mailboxes from a name, a pattern and a provider; distinct across persons."""
    count = len(first)
    pattern = rng.choice(9, size=count, p=[0.3, 0.1, 0.12, 0.12, 0.06, 0.06, 0.08, 0.06, 0.1])
    provider = rng.choice(len(WEBMAILS), size=count, p=_weights(WEBMAILS))
    number = rng.integers(1, 999, size=count)
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    out = np.empty(count, dtype=object)
    first_slugs = [_slug(n) for n in FIRST]
    last_slugs = [_slug(n) for n in SURNAMES]
    for i in range(count):
        f, la = first_slugs[first[i]], last_slugs[last[i]]
        p = pattern[i]
        local = (
            f"{f}.{la}",
            f"{f}{la}",
            f"{f[0]}.{la}",
            f"{f}.{la}{years[i] % 100:02d}",
            f"{f}_{la}",
            f"{la}.{f}",
            f"{f}{number[i]}",
            f"{f[0]}{la}{years[i] % 100:02d}",
            f"{f}.{la}{number[i]}",
        )[p]
        email = f"{local}@{WEBMAILS[provider[i]][0]}"
        suffix = 1
        while email in taken:
            suffix += 1
            email = f"{local}{suffix}@{WEBMAILS[provider[i]][0]}"
        taken.add(email)
        out[i] = email
    return out


def _weights(pairs: Sequence[tuple[str, float]]) -> Floats:
    weights = np.array([w for _, w in pairs], dtype=np.float64)
    return weights / weights.sum()


def _people(rng: np.random.Generator, count: int) -> tuple[People, Addresses, Companies]:
    """Persons grouped into households, twins and namesakes; some of them employed."""
    city_weights = np.array([c[2] for c in CITIES])
    city_weights /= city_weights.sum()

    # Group layout: households (2-5), twins (2), namesake groups (2-4), then singles.
    sizes: list[Ints] = []
    kinds: list[int] = []
    budget = {1: int(count * 0.28), 2: int(count * 0.008), 3: int(count * 0.08)}
    size_draws = {
        1: (np.array([2, 3, 4, 5]), np.array([0.5, 0.25, 0.17, 0.08])),
        2: (np.array([2]), np.array([1.0])),
        3: (np.array([2, 3, 4]), np.array([0.6, 0.28, 0.12])),
    }
    for kind, total in budget.items():
        values, probs = size_draws[kind]
        drawn = rng.choice(values, size=total // 2 + 1, p=probs)
        drawn = drawn[np.cumsum(drawn) <= total]
        sizes.append(drawn)
        kinds.extend([kind] * len(drawn))
    group_sizes = np.concatenate(sizes).astype(np.int64)
    group_kinds = np.array(kinds, dtype=np.int64)
    grouped = int(group_sizes.sum())
    singles = count - grouped
    group = np.concatenate([np.repeat(np.arange(len(group_sizes)), group_sizes), np.full(singles, -1)])
    group_kind = np.concatenate([np.repeat(group_kinds, group_sizes), np.zeros(singles, dtype=np.int64)])
    rank = np.zeros(count, dtype=np.int64)  # position inside the group
    starts = np.concatenate([[0], np.cumsum(group_sizes)[:-1]])
    rank[:grouped] = np.arange(grouped) - np.repeat(starts, group_sizes)
    in_group = group >= 0

    # Names: a group shares its surname; namesakes also share a common first name.
    female = rng.random(count) < 0.52
    household = (group_kind == 1) | (group_kind == 2)
    spouse = household & (rank == 1)
    head_female = np.zeros(count, dtype=bool)
    head_female[in_group] = female[(np.arange(count) - rank)[in_group]]
    female[spouse] = ~head_female[spouse] ^ (rng.random(int(spouse.sum())) < 0.08)
    first = _first_names(rng, female)
    last = _surnames(rng, count)
    group_last = _surnames(rng, len(group_sizes))
    last[in_group] = group_last[group[in_group]]
    namesake = group_kind == 3
    n_groups = len(group_sizes)
    common_first = rng.choice(30, size=n_groups, p=_zipf(30, 0.5))  # among the 30 most common
    common_last = rng.choice(60, size=n_groups, p=_zipf(60, 0.5))
    group_female = rng.random(n_groups) < 0.5
    female[namesake] = group_female[group[namesake]]
    first[namesake] = np.where(
        female[namesake], common_first[group[namesake]], len(FEMALE) + common_first[group[namesake]]
    )
    last[namesake] = common_last[group[namesake]]
    # Household members have different first names: redraw clashes within a household.
    members = np.flatnonzero(household)
    for _ in range(6):
        key = group[members] * len(FIRST) + first[members]
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        clash = members[(counts[inverse] > 1) & (rank[members] > 0)]
        if not len(clash):
            break
        first[clash] = _first_names(rng, female[clash])

    # Birth dates: couples of similar age, children a generation later, twins identical.
    years = rng.normal(1976, 15, size=count)
    group_year = rng.normal(1968, 12, size=n_groups)
    base = group_year[group[household]]
    years[household] = np.where(
        rank[household] == 0,
        base,
        np.where(
            rank[household] == 1,
            base + rng.normal(0, 3, size=int(household.sum())),
            base + 24 + rank[household] * 3,
        ),
    )
    birth = _birth_dates(rng, years)
    twins = group_kind == 2
    twin_birth = birth[np.flatnonzero(twins & (rank == 0))]
    twin_groups = group[twins & (rank == 0)]
    lookup = dict(zip(twin_groups.tolist(), twin_birth.tolist(), strict=True))
    birth[twins] = np.array([lookup[g] for g in group[twins]], dtype="datetime64[D]")
    # Married women sometimes still appear under their former surname.
    maiden = np.full(count, -1, dtype=np.int64)
    changed = spouse & female & (rng.random(count) < 0.15)
    maiden[changed] = _surnames(rng, int(changed.sum()))

    # Addresses: one per household / twin pair; namesakes in one city or one department; movers.
    owner_city = rng.choice(len(CITIES), size=count + n_groups, p=city_weights)
    addresses = Addresses.draw(rng, owner_city)
    address = np.arange(count, dtype=np.int64)
    address[household] = count + group[household]
    department_cities: dict[str, list[int]] = {}
    for i, (postcode, _, _) in enumerate(CITIES):
        department_cities.setdefault(_department(postcode), []).append(i)
    group_city = owner_city[count:]
    for i in np.flatnonzero(namesake):
        g = group[i]
        if rng.random() < 0.6:
            addresses.city[i] = group_city[g]
        else:
            options = department_cities[_department(CITIES[group_city[g]][0])]
            addresses.city[i] = options[int(rng.integers(0, len(options)))]
    owners = address  # movers move with their household
    moved_owner = rng.random(count + n_groups) < 0.12
    moves = np.flatnonzero(moved_owner)
    same_city = rng.random(len(moves)) < 0.5
    new_city = np.where(
        same_city, addresses.city[moves], rng.choice(len(CITIES), size=len(moves), p=city_weights)
    )
    old = Addresses.draw(rng, new_city)
    old_index = np.full(count + n_groups, -1, dtype=np.int64)
    old_index[moves] = len(addresses.city) + np.arange(len(moves))
    addresses = addresses.concat(old)
    old_address = old_index[owners]

    # Phones: everyone has a distinct mobile; households share a landline, some singles have one.
    mobile_digits = _unique_digits(rng, int(count * 1.1), 0, 200_000_000)
    mobile = np.array(
        [("6" if d < 100_000_000 else "7") + f"{d % 100_000_000:08d}" for d in mobile_digits[:count]],
        dtype=object,
    )
    old_mobile = np.full(count, None, dtype=object)
    changed_number = rng.random(count) < 0.07
    old_mobile[changed_number] = [
        ("6" if d < 100_000_000 else "7") + f"{d % 100_000_000:08d}"
        for d in mobile_digits[count:][: int(changed_number.sum())]
    ]
    owner_postcodes = [CITIES[c][0] for c in addresses.city[: count + n_groups]]
    owner_landline = _landlines(rng, owner_postcodes)
    has_landline = np.where(
        np.arange(count + n_groups) >= count,
        rng.random(count + n_groups) < 0.85,
        rng.random(count + n_groups) < 0.3,
    )
    owner_landline[~has_landline] = None
    landline = owner_landline[owners]

    # E-mails: a personal one (most), an older one at another provider (some), family mailboxes.
    taken: set[str] = set()
    email = _emails(rng, first, last, birth, taken)
    email[rng.random(count) < 0.08] = None
    alt_email = np.full(count, None, dtype=object)
    # Persons without a personal mailbox still have one they shop and subscribe with.
    has_alt = (rng.random(count) < 0.15) | (email == None)  # noqa: E711
    alt_email[has_alt] = _emails(rng, first[has_alt], last[has_alt], birth[has_alt], taken)
    family_email = np.full(count, None, dtype=object)
    family_groups = np.flatnonzero(
        (rng.random(n_groups) < 0.35) & np.isin(np.arange(n_groups), group[household])
    )
    family_mailbox: dict[int, str] = {}
    for g in family_groups:
        surname = _slug(SURNAMES[group_last[g]])
        provider = WEBMAILS[int(rng.choice(len(WEBMAILS), p=_weights(WEBMAILS)))][0]
        local = (f"famille.{surname}", f"{surname}.famille", f"les{surname}", f"fam{surname}")[
            int(rng.integers(0, 4))
        ]
        mailbox, n = f"{local}@{provider}", 1
        while mailbox in taken:
            n += 1
            mailbox = f"{local}{n}@{provider}"
        taken.add(mailbox)
        family_mailbox[int(g)] = mailbox
    members = np.flatnonzero(household & np.isin(group, family_groups))
    family_email[members] = [family_mailbox[int(g)] for g in group[members]]
    # Some members of a family have no mailbox of their own.
    email[members[rng.random(len(members)) < 0.3]] = None

    # Employers: a fifth of the persons work at a company of 2-40 colleagues present in the data.
    employed = np.flatnonzero(rng.random(count) < 0.2)
    rng.shuffle(employed)
    company_sizes = np.minimum(rng.zipf(1.6, size=len(employed)) + 1, 40)
    company_sizes = company_sizes[np.cumsum(company_sizes) <= len(employed)]
    employed = employed[: int(company_sizes.sum())]
    n_companies = len(company_sizes)
    company = np.full(count, -1, dtype=np.int64)
    company[employed] = np.repeat(np.arange(n_companies), company_sizes)
    names, sirets, domains = [], [], []
    seen_domains: set[str] = set()
    for _ in range(n_companies):
        kind = COMPANY_KINDS[int(rng.integers(0, len(COMPANY_KINDS)))]
        if rng.random() < 0.5:
            tail = SURNAMES_HEAD[int(rng.integers(0, len(SURNAMES_HEAD)))]
        else:
            tail = COMPANY_TAILS[int(rng.integers(0, len(COMPANY_TAILS)))]
        name = f"{kind} {tail}"
        names.append(name)
        sirets.append(_siret(rng))
        domain = _slug(name).replace(".", "") + (".fr" if rng.random() < 0.7 else ".com")
        n = 1
        while domain in seen_domains:
            n += 1
            domain = f"{_slug(name)}{n}.fr"
        seen_domains.add(domain)
        domains.append(domain)
    company_cities = rng.choice(len(CITIES), size=n_companies, p=city_weights)
    company_addresses = Addresses.draw(rng, company_cities)
    company_address = len(addresses.city) + np.arange(n_companies)
    addresses = addresses.concat(company_addresses)
    switchboard = _landlines(rng, [CITIES[c][0] for c in company_cities])
    company_email = np.full(count, None, dtype=object)
    company_pattern = rng.integers(0, 3, size=max(n_companies, 1))
    first_slugs = [_slug(n) for n in FIRST]
    last_slugs = [_slug(n) for n in SURNAMES]
    company_taken: set[str] = set()
    for i in employed:
        c = company[i]
        f, la = first_slugs[first[i]], last_slugs[last[i]]
        local = (f"{f}.{la}", f"{f[0]}.{la}", f"{f[0]}{la}")[company_pattern[c]]
        mailbox, n = f"{local}@{domains[c]}", 1
        while mailbox in company_taken:
            n += 1
            mailbox = f"{local}{n}@{domains[c]}"
        company_taken.add(mailbox)
        company_email[i] = mailbox

    people = People(
        female=female,
        first=first,
        last=last,
        maiden=maiden,
        birth=birth,
        group_kind=group_kind,
        group=group,
        address=address,
        old_address=old_address,
        mobile=mobile,
        old_mobile=old_mobile,
        landline=landline,
        email=email,
        alt_email=alt_email,
        family_email=family_email,
        company=company,
        company_email=company_email,
    )
    return people, addresses, Companies(names, sirets, domains, switchboard, company_address)


# ---------------------------------------------------------------------------------------------------
# Records.
# ---------------------------------------------------------------------------------------------------


def _format_phone(national: str, fmt: int) -> str:
    """A 9-digit national number (no leading 0) written the way source systems do."""
    pairs = " ".join(national[i : i + 2] for i in range(1, 9, 2))
    head = national[0]
    return (
        f"0{head} {pairs}",
        f"0{national}",
        f"+33{national}",
        f"+33 {head} {pairs}",
        f"0033 {head} {pairs}",
        f"0{head}.{pairs.replace(' ', '.')}",
        f"0{head}-{pairs.replace(' ', '-')}",
        f"+33 (0){head} {pairs}",
        f"33{national}",  # a spreadsheet ate the "+"
        national,  # ... or the leading zero
    )[fmt]


def _format_birth(iso: str, fmt: int) -> str:
    y, m, d = iso[:4], iso[5:7], iso[8:10]
    return (f"{y}-{m}-{d}", f"{d}/{m}/{y}", f"{d}-{m}-{y}", f"{y}-{m}-{d}T00:00:00", f"{d}.{m}.{y}")[fmt]


def _city_variant(city: str, postcode: str, draw: int) -> str:
    """Spellings of one city: case, Saint/St, accents, arrondissements."""
    variant = draw % 10
    if city in ("Paris", "Lyon", "Marseille") and variant < 3:
        arrondissement = int(postcode[-2:])
        return (
            f"{city} {arrondissement}{'er' if arrondissement == 1 else 'e'}"
            if variant < 2
            else f"{city.upper()} {arrondissement:02d}"
        )
    if variant == 3 and "Saint-" in city:
        return city.replace("Saint-", "St ").replace("Sainte-", "Ste ")
    if variant == 4:
        return _ascii(city).upper().replace("-", " ")
    if variant == 5:
        return city.upper()
    if variant == 6:
        return _ascii(city)
    return city


def _records(
    rng: np.random.Generator, people: People, addresses: Addresses, companies: Companies, total: int
) -> dict[str, Strs | Ints]:
    count = len(people.first)
    per_person = rng.choice(6, size=count, p=RECORDS_PER_PERSON) + 1
    order = rng.permutation(count)
    cumulative = np.cumsum(per_person[order])
    keep = order[cumulative - per_person[order] < total]
    person = np.repeat(keep, per_person[keep])[:total]
    person = person[rng.permutation(total)]  # records of one person are not adjacent
    n = len(person)
    if n < total:
        raise ValueError("not enough persons for the requested records")

    employed = people.company[person] >= 0
    weights = np.array([[s.weight for s in SOURCES], [s.b2b_weight for s in SOURCES]])
    weights /= weights.sum(axis=1, keepdims=True)
    source = np.where(
        employed,
        rng.choice(len(SOURCES), size=n, p=weights[1]),
        rng.choice(len(SOURCES), size=n, p=weights[0]),
    )

    def per_source(attribute: str) -> Floats:
        return np.array([getattr(s, attribute) for s in SOURCES], dtype=np.float64)[source]

    def u() -> Floats:
        # Fresh uniforms per decision keep the decisions independent of each other.
        return rng.random(n)

    source_index = {s.name: k for k, s in enumerate(SOURCES)}

    # Which address: movers' older records use the old one.
    has_old = people.old_address[person] >= 0
    use_old = has_old & (u() < 0.4)
    address = np.where(use_old, people.old_address[person], people.address[person])
    erp = source == source_index["erp"]
    use_company_address = employed & (erp | ((source == source_index["crm"]) & (u() < 0.3)))
    address = np.where(use_company_address, companies.address[np.maximum(people.company[person], 0)], address)

    # Names.
    first = np.array(FIRST, dtype=object)[people.first[person]]
    surnames = np.array(SURNAMES, dtype=object)
    last = surnames[people.last[person]]
    maiden = (people.maiden[person] >= 0) & (u() < 0.4)
    last[maiden] = surnames[people.maiden[person][maiden]]
    nickname = u() < per_source("nickname")
    draws = rng.integers(0, 1 << 30, size=n)
    for i in np.flatnonzero(nickname):
        options = NICKNAMES.get(first[i])
        if options:
            first[i] = options[draws[i] % len(options)]
    for column, rate in ((first, per_source("typo")), (last, per_source("typo"))):
        for i in np.flatnonzero(u() < rate):
            column[i] = _typo(column[i], int(draws[i] >> 3))
    accents = u() < per_source("accents_dropped")
    _map(first, accents, _ascii)
    _map(last, accents, _ascii)
    case_p = np.array([s.name_case for s in SOURCES])[source]
    case_draw = u()
    upper = (case_draw >= case_p[:, 0]) & (case_draw < case_p[:, 0] + case_p[:, 1])
    lower = case_draw >= case_p[:, 0] + case_p[:, 1]
    _map(first, upper, str.upper)
    _map(last, upper, str.upper)
    _map(first, lower, str.lower)
    _map(last, lower, str.lower)
    swapped = u() < per_source("swapped")
    first[swapped], last[swapped] = last[swapped], first[swapped].copy()
    last[u() >= per_source("last_name")] = None

    # E-mail: personal, older mailbox, family mailbox or work mailbox, then variants and errors.
    email = people.email[person].copy()
    alt = people.alt_email[person]
    use_alt = (alt != None) & (u() < 0.35)  # noqa: E711 - elementwise on object arrays
    email[use_alt] = alt[use_alt]
    family = people.family_email[person]
    use_family = (family != None) & ((email == None) | (u() < 0.45))  # noqa: E711
    email[use_family] = family[use_family]
    work = people.company_email[person]
    use_work = (work != None) & ((erp & (u() < 0.9)) | (u() < 0.08))  # noqa: E711
    email[use_work] = work[use_work]
    fallback = (email == None) & (alt != None)  # noqa: E711
    email[fallback] = alt[fallback]
    email[u() >= per_source("email")] = None
    variant = u()
    for i in np.flatnonzero((variant < 0.12) & (email != None)):  # noqa: E711
        local, domain = email[i].split("@")
        d = draws[i] % 5
        if domain == "gmail.com" and d < 2:
            email[i] = (
                (local.replace(".", "") if "." in local else local[:3] + "." + local[3:]) + "@" + domain
            )
        elif domain == "gmail.com" and d == 2:
            email[i] = f"{local}+{('promo', 'shop', 'news')[draws[i] % 3]}@{domain}"
        elif d == 3 and domain in EMAIL_TYPO_DOMAINS:
            email[i] = f"{local}@{EMAIL_TYPO_DOMAINS[domain]}"
        elif d == 4:
            email[i] = _typo(local, int(draws[i] >> 5)) + "@" + domain
    email_upper = (u() < 0.04) & (email != None)  # noqa: E711
    _map(email, email_upper, str.upper)

    # Phone: own mobile, household landline, old number or company switchboard.
    phone = people.mobile[person].copy()
    landline = people.landline[person]
    use_landline = (landline != None) & (u() < 0.3)  # noqa: E711
    phone[use_landline] = landline[use_landline]
    old_mobile = people.old_mobile[person]
    use_old_mobile = (old_mobile != None) & (u() < 0.4)  # noqa: E711
    phone[use_old_mobile] = old_mobile[use_old_mobile]
    switchboard = (
        companies.switchboard[np.maximum(people.company[person], 0)] if len(companies.name) else phone
    )
    use_switchboard = employed & ((erp & (u() < 0.6)) | (u() < 0.05))
    phone[use_switchboard] = switchboard[use_switchboard]
    for i in np.flatnonzero(u() < 0.01):  # one mistyped digit
        p = phone[i]
        j = 1 + draws[i] % 8
        phone[i] = p[:j] + str((int(p[j]) + 1 + draws[i] % 8) % 10) + p[j + 1 :]
    phone[u() >= per_source("phone")] = None
    phone_format = np.zeros(n, dtype=np.int64)
    for k, spec in enumerate(SOURCES):
        mask = source == k
        phone_format[mask] = _pick(rng, spec.phone_formats, int(mask.sum()))
    phone = np.array(
        [None if p is None else _format_phone(p, f) for p, f in zip(phone, phone_format, strict=True)],
        dtype=object,
    )

    # Birth date: per-source format, day/month swaps, typos, placeholders.
    birth_str = people.birth[person].astype(str).astype(object)
    swap = u() < 0.025
    for i in np.flatnonzero(swap):
        y, m, d = birth_str[i].split("-")
        if int(d) <= 12 and d != m:
            birth_str[i] = f"{y}-{d}-{m}"
    typo = u() < 0.015
    for i in np.flatnonzero(typo):
        y, m, d = birth_str[i].split("-")
        new_d = (int(d) + (1 if draws[i] % 2 else -1) * (1 + draws[i] % 9) - 1) % 28 + 1
        birth_str[i] = (
            f"{y}-{m}-{new_d:02d}" if draws[i] % 3 else f"{int(y) + (1 if draws[i] % 4 else -10)}-{m}-{d}"
        )
    birth_str[u() < 0.003] = "1900-01-01"
    birth_format = np.zeros(n, dtype=np.int64)
    for k, spec in enumerate(SOURCES):
        mask = source == k
        birth_format[mask] = _pick(rng, spec.birth_formats, int(mask.sum()))
    birth_out = np.array(
        [_format_birth(b, f) for b, f in zip(birth_str, birth_format, strict=True)], dtype=object
    )
    birth_out[u() >= per_source("birth")] = None

    # Address lines.
    a_number, a_kind, a_name, a_city = (part[address] for part in addresses.astuple())
    street_draw = rng.integers(0, 1 << 30, size=n)
    accents_street = u() < per_source("accents_dropped")
    street = np.empty(n, dtype=object)
    for i in range(n):
        d = street_draw[i]
        variants = STREET_TYPES[a_kind[i]]
        kind = variants[d % len(variants)] if d % 3 == 0 else variants[0]
        number = a_number[i]
        if d % 97 == 0:
            number_text = ""
        elif d % 13 == 0:
            number_text = f"{number} bis "
        elif d % 89 == 0:
            number_text = f"{number + 1 + d % 3} "  # a mistyped house number
        else:
            number_text = f"{number}, " if d % 11 == 0 else f"{number} "
        line = f"{number_text}{kind} {STREET_NAMES[a_name[i]]}"
        if d % 31 == 0:
            line += (" Bât B", " apt 12", " 3e étage", " résidence les Pins")[d % 4]
        street[i] = line
    _map(street, accents_street, _ascii)
    _map(street, upper, str.upper)
    _map(street, lower & (u() < 0.5), str.lower)
    street[u() >= per_source("street")] = None

    postcode = np.array([CITIES[c][0] for c in a_city], dtype=object)
    city = np.array(
        [_city_variant(CITIES[c][1], CITIES[c][0], d >> 4) for c, d in zip(a_city, street_draw, strict=True)],
        dtype=object,
    )
    _map(city, upper, str.upper)
    lost_zero = (u() < 0.3) & np.isin(source, [source_index["pos"], source_index["erp"]])
    _map(postcode, lost_zero, lambda p: p.lstrip("0"))
    postcode_typo = u() < 0.005
    for i in np.flatnonzero(postcode_typo):
        p = postcode[i]
        j = 2 + draws[i] % (len(p) - 2)
        postcode[i] = p[:j] + str((int(p[j]) + 1) % 10) + p[j + 1 :]
    no_postcode = u() >= per_source("postcode")
    postcode[no_postcode] = None
    city[no_postcode & (u() < 0.7)] = None

    # Company fields, for employed persons in sources that record them.
    company_name = np.full(n, None, dtype=object)
    siret = np.full(n, None, dtype=object)
    with_company = employed & (u() < per_source("company"))
    forms = rng.integers(0, len(COMPANY_FORMS), size=n)
    for i in np.flatnonzero(with_company):
        c = people.company[person[i]]
        name = companies.name[c] + COMPANY_FORMS[forms[i]]
        company_name[i] = name.upper() if upper[i] else name
        s = companies.siret[c]
        siret[i] = s if draws[i] % 3 else f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"
    siret[with_company & (u() < 0.25)] = None

    country = np.empty(n, dtype=object)
    for k, spec in enumerate(SOURCES):
        mask = source == k
        country[mask] = np.array(spec.country, dtype=object)[
            rng.integers(0, len(spec.country), size=int(mask.sum()))
        ]

    # Record timestamps: an old address belongs to an older record.
    start = np.datetime64("2019-01-01T00:00:00", "s").astype(np.int64)
    span = 6 * 365 * 86400
    offset = rng.integers(0, span, size=n)
    offset = np.where(use_old, offset % (span // 2), span // 2 + offset % (span // 2))
    stamps = (start + offset).astype("datetime64[s]")
    stamp_str = stamps.astype(str)
    updated_format = np.array([s.updated_format for s in SOURCES])[source]
    updated = np.array(
        [
            t + "Z" if f == 0 else t.replace("T", " ") if f == 1 else f"{t[8:10]}/{t[5:7]}/{t[:4]} {t[11:16]}"
            for t, f in zip(stamp_str, updated_format, strict=True)
        ],
        dtype=object,
    )

    # Source identifiers: sequence numbers per source, shuffled so they say nothing about the person.
    source_id = np.empty(n, dtype=object)
    for k, spec in enumerate(SOURCES):
        index = np.flatnonzero(source == k)
        sequence = rng.permutation(len(index)) + 1
        if spec.name == "newsletter":
            sequence = sequence * 7919 + 100_000
        source_id[index] = [spec.id_format.format(int(s)) for s in sequence]
    names = np.array([s.name for s in SOURCES], dtype=object)

    return {
        "source": names[source],
        "source_id": source_id,
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "street": street,
        "city": city,
        "postcode": postcode,
        "country": country,
        "birth_date": birth_out,
        "company_name": company_name,
        "siret": siret,
        "updated_at": updated,
        "true_id": person.astype(np.int64),
    }


# ---------------------------------------------------------------------------------------------------
# Entry points.
# ---------------------------------------------------------------------------------------------------


def generate(records: int, seed: int = 7) -> pa.Table:
    """`records` customer records with ground truth (`true_id`), deterministic for a seed."""
    table, _ = generate_with_summary(records, seed)
    return table


def generate_with_summary(records: int, seed: int = 7) -> tuple[pa.Table, dict[str, object]]:
    """The records and a description of their composition (group sizes, sources, fill rates)."""
    rng = np.random.default_rng(seed)
    persons = int(records / float((RECORDS_PER_PERSON * np.arange(1, 7)).sum()) * 1.08) + 20
    people, addresses, companies = _people(rng, persons)
    columns = _records(rng, people, addresses, companies, records)
    table = pa.table(
        {name: pa.array(columns[name], pa.string()) for name in COLUMNS}
        | {"true_id": pa.array(columns["true_id"], pa.int64())}
    )
    return table, _summary(people, companies, columns)


def _summary(people: People, companies: Companies, columns: dict[str, Strs | Ints]) -> dict[str, object]:
    true_id = np.asarray(columns["true_id"], dtype=np.int64)
    present = np.unique(true_id)
    per_person = np.bincount(true_id)[present]
    kinds = people.group_kind[present]
    groups = people.group[present]

    def groups_of(kind: int) -> int:
        return len(np.unique(groups[kinds == kind]))

    employed = people.company[present]
    family = people.family_email[present]
    return {
        "records": len(true_id),
        "persons": len(present),
        "records_per_person": {str(k): int(v) for k, v in sorted(Counter(per_person.tolist()).items())},
        "records_by_source": dict(Counter(np.asarray(columns["source"]).tolist())),
        "households": {"groups": groups_of(1), "persons": int((kinds == 1).sum())},
        "households_with_family_mailbox": len(np.unique(groups[(kinds == 1) & (family != None)])),  # noqa: E711
        "twins": {"pairs": groups_of(2), "persons": int((kinds == 2).sum())},
        "namesakes": {"groups": groups_of(3), "persons": int((kinds == 3).sum())},
        "colleagues": {
            "companies": len(np.unique(employed[employed >= 0])),
            "persons": int((employed >= 0).sum()),
        },
        "movers": int((people.old_address[present] >= 0).sum()),
        "former_surnames": int((people.maiden[present] >= 0).sum()),
        "fill_rates": {
            name: round(float(np.mean(np.asarray(columns[name]) != None)), 3)  # noqa: E711
            for name in COLUMNS
            if name not in ("source", "source_id")
        },
    }


def print_summary(summary: dict[str, object]) -> None:
    """Readable composition of a generated set."""
    for key, value in summary.items():
        print(f"  {key}: {value}")


def main(argv: list[str] | None = None) -> int:
    """Write a generated set to Parquet and print its composition."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True, help="Parquet file to write")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    table, summary = generate_with_summary(args.records, args.seed)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out)
    print(f"{table.num_rows:,} records in {time.perf_counter() - started:.1f} s -> {out}")
    print_summary(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
