"""Benchmark of ``cdp.normalize.normalize_contact`` over seeded, realistic, messy contact rows.

Rows repeat values the way real customer files do (first names, cities, companies, domains come from
lists) while phones, e-mails, customer numbers and timestamps are mostly distinct, and a share of them is
garbage. Generation is not timed; only normalization is.

Usage:
    python bench/bench_normalize.py                      # 1,000,000 rows, one process, columnar batches
    python bench/bench_normalize.py --workers 2          # two processes, half of the rows each
    python bench/bench_normalize.py --mode rows          # a normalize_contact loop (the row-wise path)

The columnar mode is what `cdp resolve`'s workers run: each chunk arrives as Arrow string columns (as the
reading process streams them; built before timing starts) and ``cdp.normalize.batch.
normalize_contact_columns`` turns it into the staged columns (timed). The rows mode times a
``normalize_contact`` loop over row dicts, the path of the catalog function.

Each process generates its share of the rows, then all start normalizing together; the wall time covers
normalization only (from the common start to the last result), the CPU time sums the processes.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing as mp
import random
import resource
import sys
import time
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from cdp.model import CANONICAL_FIELDS, CONTACT_FIELDS_SCHEMA, Entity
from cdp.normalize import normalize_contact
from cdp.normalize.batch import normalize_contact_columns, text_array

MODES = {
    "columns": "normalize_contact_columns (columnar batches)",
    "rows": "normalize_contact (row loop)",
}
FIELDS = CANONICAL_FIELDS[Entity.CONTACT]


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a text block (keeps long value lists compact)."""
    return text.split()


FIRST_NAMES = _words(
    """
    Marie Jean Pierre Michel Philippe Alain Nathalie Isabelle Sylvie Catherine Françoise Nicolas
    Christophe Stéphane Sébastien Julien Thomas Camille Léa Manon Chloé Emma Lucas Hugo Louis
    Gabriel Jules Inès Sarah Laura Céline Aurélie Élodie Hélène Frédéric Jérôme Éric Olivier David
    Patrick Sandrine Valérie Christine Anne Laurent Thierry Vincent Antoine Maxime Alexandre Romain
    Benoît Mathieu Claire Julie Sophie Caroline Émilie Lucie Pauline Marion Mohamed Ahmed Fatima
    Karim Yasmine Kevin Jessica
    """
) + ["Marie-Hélène", "Jean-Pierre", "Jean-François", "Anne-Sophie", "Marie-Claire", "Jean-Luc"]
LAST_NAMES = _words(
    """
    Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre
    Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont
    Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry
    Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin
    Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer
    Lucas Meunier Jean Perez Marchand Dufour Blanchard Barbier Brun Dumas Brunet Schmitt Leroux
    Colin Fernandez Renard Arnaud Rolland
    """
) + ["de La Fontaine", "Van der Berg", "O'Brien", "McDonald", "Le Gall", "Da Silva", "d'Artagnan"]
CIVILITIES = ["M", "M.", "Mr", "Mme", "Madame", "Monsieur", "Mlle", "Dr", "", None, None, None, None]
WEBMAILS = (
    ["gmail.com"] * 6
    + ["hotmail.fr"] * 3
    + ["yahoo.fr", "orange.fr", "free.fr", "wanadoo.fr"]
    + [
        "laposte.net",
        "sfr.fr",
        "outlook.fr",
        "icloud.com",
        "live.fr",
    ]
)
COMPANY_DOMAINS = [f"entreprise{i}.fr" for i in range(300)] + [f"societe-{i}.com" for i in range(100)]
TYPO_DOMAINS = ["gmial.com", "hotmial.com", "yahooo.fr", "orange.f", "wanadoo.fe", "gmail.con", "hotmail.ff"]
GARBAGE = ["N/A", "-", "null", "??", "0000000000", "", " ", "inconnu", "x", "#N/A", "😀", "NULL", "none"]
STREET_TYPES = ["rue", "RUE", "r.", "av", "Avenue", "AV.", "bd", "Boulevard", "chemin", "CHEM", "imp", "pl"]
STREET_NAMES = [
    "de la Paix",
    "Victor Hugo",
    "du Général de Gaulle",
    "des Lilas",
    "JEAN JAURES",
    "de la République",
    "Pasteur",
    "des Écoles",
    "st jacques",
    "du Moulin",
    "de l'Église",
    "Gambetta",
    "Foch",
    "des Champs Élysées",
    "de Verdun",
]
CITIES = [
    ("75001", "Paris"),
    ("75015", "PARIS"),
    ("75008", "Paris 8e"),
    ("69003", "Lyon"),
    ("13001", "MARSEILLE"),
    ("31000", "Toulouse"),
    ("06000", "Nice"),
    ("6000", "NICE"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("34000", "Montpellier"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("35000", "Rennes"),
    ("42000", "ST ETIENNE"),
    ("42000", "Saint-Étienne"),
    ("01000", "Bourg-en-Bresse"),
    ("1000", "BOURG EN BRESSE"),
    ("20000", "Ajaccio"),
    ("97400", "Saint-Denis"),
    ("92100", "Boulogne-Billancourt"),
    ("78100", "ST GERMAIN EN LAYE"),
    ("38000", "grenoble"),
    ("21000", "Dijon"),
    ("49000", "Angers"),
    ("37000", "Tours"),
    ("80000", "Amiens"),
    ("76600", "LE HAVRE"),
    ("59650", "VILLENEUVE D'ASCQ"),
    ("75001.0", "Paris"),
]
COUNTRIES = ["France"] * 4 + ["FRANCE", "FR", "fr", "FRA", None, None, None, "", "Belgique", "Suisse", "N/A"]
COMPANY_FORMS = ["", "", " SAS", " S.A.S.", " SARL", " sarl", " SA", " EURL", " (SAS)", " - SARL"]
COMPANY_STEMS = [
    f"{w} {s}"
    for w in ("Acme", "Boulangerie", "Garage", "Cabinet", "Transports")
    for s in (
        "Martin",
        "Dupont",
        "du Centre",
        "des Alpes",
        "& Fils",
        "Conseil",
        "Services",
        "Ouest",
        "Durand",
        "Lefèvre",
    )
]
OPT_IN = ["oui", "non", "1", "0", "Y", "N", "true", "false", "x", "", None, None, "Opt-in", "OUI"]
BIRTH_START = date(1935, 1, 1)


def _luhn_complete(body: str) -> str:
    """Append the Luhn check digit to a numeric string."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return body + str((10 - total % 10) % 10)


def _siret_pool(rnd: random.Random, size: int) -> list[str]:
    """Valid SIRETs (a valid SIREN then a valid 14-digit Luhn)."""
    pool: list[str] = []
    while len(pool) < size:
        siren = _luhn_complete(str(rnd.randint(10_000_000, 99_999_999)))
        nic = str(rnd.randint(1, 9999)).zfill(4)
        # Search the last digit that makes the 14 digits Luhn-valid.
        for last in "0123456789":
            candidate = siren + nic + last
            if _luhn_complete(candidate[:-1]) == candidate:
                pool.append(candidate)
                break
    return pool


def _ascii(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")


def _case(rnd: random.Random, s: str) -> str:
    r = rnd.random()
    return s.upper() if r < 0.35 else s.lower() if r < 0.45 else s


def _phone(rnd: random.Random) -> str | None:
    r = rnd.random()
    if r < 0.12:
        return None
    if r < 0.16:
        return rnd.choice(GARBAGE)
    if r < 0.19:
        return rnd.choice(["+32 470 12 34 56", "+41 79 123 45 67", "+44 7911 123456", "+1 212 555 0123"])
    head = rnd.choice(["6", "6", "6", "7", "1", "2", "3", "4", "5", "9"])
    if head == "7":
        head += str(rnd.randint(3, 9))
    else:
        head += str(rnd.randint(0, 9)) if head != "6" else rnd.choice("0124578")
    digits = head + "".join(rnd.choice("0123456789") for _ in range(9 - len(head)))
    pairs = " ".join([f"0{digits[0]}"] + [digits[i : i + 2] for i in range(1, 9, 2)])
    fmt = rnd.random()
    if fmt < 0.45:
        return pairs
    if fmt < 0.65:
        return "0" + digits
    if fmt < 0.75:
        return "+33" + digits
    if fmt < 0.82:
        return "+33 " + pairs[1:]
    if fmt < 0.88:
        return pairs.replace(" ", ".")
    if fmt < 0.93:
        return "0033 " + digits[0] + " " + "-".join(digits[i : i + 2] for i in range(1, 9, 2))
    return "+33 (0)" + pairs[1:]


def _email(rnd: random.Random, first: str, last: str, i: int) -> str | None:
    r = rnd.random()
    if r < 0.08:
        return None
    if r < 0.11:
        return rnd.choice(GARBAGE + ["jean.dupont@", "@gmail.com", "jean dupont@gmail.com"])
    # Mailbox names are typed without accents (providers refuse them).
    local = _ascii(f"{first}.{last}").replace(" ", "").replace("'", "")
    if rnd.random() < 0.5:
        local += str(i % 997)
    d = rnd.random()
    if d < 0.02:
        domain = rnd.choice(TYPO_DOMAINS)
    elif d < 0.7:
        domain = rnd.choice(WEBMAILS)
    else:
        domain = rnd.choice(COMPANY_DOMAINS)
        if rnd.random() < 0.1:
            local = rnd.choice(["contact", "info", "compta", "direction"])
    email = f"{local}@{domain}"
    return email.upper() if rnd.random() < 0.1 else email


def _birth(rnd: random.Random) -> str | None:
    r = rnd.random()
    if r < 0.25:
        return None
    if r < 0.28:
        return rnd.choice(["1900-01-01", "00/00/0000", "N/A", "31/02/1980", "2099-01-01", ""])
    d = BIRTH_START + timedelta(days=rnd.randint(0, 70 * 365))
    fmt = rnd.random()
    if fmt < 0.5:
        return d.strftime("%d/%m/%Y")
    if fmt < 0.75:
        return d.isoformat()
    if fmt < 0.83:
        return d.strftime("%d-%m-%y")
    if fmt < 0.9:
        return d.strftime("%Y%m%d")
    if fmt < 0.95:
        return str((d - date(1899, 12, 30)).days)
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre"]
    return f"{d.day} {months[d.month % 9]} {d.year}"


def generate_rows(n: int, seed: int = 42, start: int = 0) -> list[dict[str, str | None]]:
    """Seeded messy contact rows ``start`` to ``start + n``; missing fields are simply absent.

    Rows depend only on (seed, row index range), so any split of the rows between workers normalizes
    the same data.
    """
    sirets = _siret_pool(random.Random(seed), 3000)
    rnd = random.Random(f"{seed}:{start}")
    base_ts = datetime(2020, 1, 1)
    rows: list[dict[str, str | None]] = []
    for i in range(start, start + n):
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        row: dict[str, str | None] = {"source_id": str(i)}
        r = rnd.random()
        if r < 0.1:
            row["full_name"] = rnd.choice(
                [f"{last.upper()} {first}", f"{first} {last}", f"Mme {last} {first}"]
            )
        elif r < 0.13:
            row["first_name"], row["last_name"] = _case(rnd, last), _case(rnd, first)  # swapped columns
        else:
            row["first_name"], row["last_name"] = _case(rnd, first), _case(rnd, last)
        row["civility"] = rnd.choice(CIVILITIES)
        row["email"] = _email(rnd, first, last, i)
        row["phone"] = _phone(rnd)
        if rnd.random() < 0.4:
            row["mobile"] = _phone(rnd)
        if rnd.random() < 0.9:
            # House numbers make most street lines distinct, as in real files.
            number = rnd.choice(["", "{} ", "{} ", "{} ", "{}B ", "{} bis ", "{}, ", "{} ter "]).format(
                rnd.randint(1, 300)
            )
            row["street"] = _case(rnd, f"{number}{rnd.choice(STREET_TYPES)} {rnd.choice(STREET_NAMES)}")
        postcode, city = rnd.choice(CITIES)
        row["postcode"], row["city"] = postcode, _case(rnd, city)
        row["country"] = rnd.choice(COUNTRIES)
        row["birth_date"] = _birth(rnd)
        if rnd.random() < 0.3:
            row["company_name"] = _case(rnd, rnd.choice(COMPANY_STEMS) + rnd.choice(COMPANY_FORMS))
            if rnd.random() < 0.6:
                siret = rnd.choice(sirets)
                row["siret"] = rnd.choice([siret, f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"])
                if rnd.random() < 0.3:
                    siren = int(siret[:9])
                    row["vat"] = f"FR {(12 + 3 * (siren % 97)) % 97:02d} {siret[:9]}"
        row["customer_number"] = f"C{i:08d}" if rnd.random() < 0.9 else f"{i}.0"
        row["email_opt_in"] = rnd.choice(OPT_IN)
        ts = base_ts + timedelta(seconds=rnd.randint(0, 4 * 365 * 86400))
        row["updated_at"] = rnd.choice(
            [ts.isoformat() + "Z", ts.strftime("%d/%m/%Y %H:%M"), ts.strftime("%Y-%m-%d %H:%M:%S")]
        )
        if rnd.random() < 0.1:
            row["account_ref"] = f"ACC-{rnd.randint(1, 5000)}"
        rows.append(row)
    return rows


def _peak_rss_mb(who: int) -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(who).ru_maxrss / scale


def _valid_count(array: pa.Array) -> int:
    return int(pc.sum(pc.fill_null(array, False)).as_py() or 0)


Chunk = list[dict[str, str | None]] | dict[str, pa.Array]


def _chunks(rows: list[dict[str, str | None]], mode: str, chunk: int) -> list[Chunk]:
    """The rows in chunks as each path takes them: row dicts, or Arrow string columns as a reader
    streams them to the normalization workers of `cdp resolve` (built before timing starts)."""
    parts = [rows[start : start + chunk] for start in range(0, len(rows), chunk)]
    if mode == "rows":
        return list(parts)
    return [{field: text_array([row.get(field) for row in part]) for field in FIELDS} for part in parts]


def _normalize(chunks: list[Chunk], mode: str) -> tuple[int, int, int, float]:
    """Normalize the chunks; return (rows, valid e-mails, valid phones, CPU seconds)."""
    t0 = time.process_time()
    done = emails = phones = 0
    for part in chunks:
        if isinstance(part, dict):
            size = len(part["source_id"])
            table = pa.Table.from_arrays(normalize_contact_columns(part, size), schema=CONTACT_FIELDS_SCHEMA)
            emails += _valid_count(table["email_valid"])
            phones += _valid_count(table["phone_valid"])
        else:
            size = len(part)
            results = [normalize_contact(row) for row in part]
            emails += sum(out["email_valid"] is True for out in results)
            phones += sum(out["phone_valid"] is True for out in results)
        done += size
    return done, emails, phones, time.process_time() - t0


def _worker(start: int, count: int, seed: int, mode: str, chunk: int, ready: Any, results: Any) -> None:
    """Generate this worker's share of the rows (untimed), wait for the others, then normalize it."""
    chunks = _chunks(generate_rows(count, seed, start), mode, chunk)
    # Generated rows stand for input a real pipeline streams in batches: keep them out of the garbage
    # collector's scans so it only sees what normalization allocates.
    gc.freeze()
    ready.wait()
    results.put(_normalize(chunks, mode))


def run(
    rows: int, workers: int, chunk: int, seed: int, mode: str = "columns", log: Callable[[str], None] = print
) -> float:
    """Generate, normalize and report; return the normalization wall time in seconds."""
    api = MODES[mode]
    if workers <= 1:
        t0 = time.perf_counter()
        data = _chunks(generate_rows(rows, seed), mode, chunk)
        log(f"generated {rows:,} rows in {time.perf_counter() - t0:.1f} s (not timed)")
        gc.freeze()
        t0 = time.perf_counter()
        results = [_normalize(data, mode)]
        wall = time.perf_counter() - t0
    else:
        ctx = mp.get_context("fork")
        ready = ctx.Barrier(workers + 1)
        queue = ctx.Queue()
        share = -(-rows // workers)
        procs = [
            ctx.Process(
                target=_worker,
                args=(w * share, min(share, rows - w * share), seed, mode, chunk, ready, queue),
            )
            for w in range(workers)
        ]
        t0 = time.perf_counter()
        for proc in procs:
            proc.start()
        ready.wait()  # every worker has generated its rows
        log(f"generated {rows:,} rows in {workers} workers in {time.perf_counter() - t0:.1f} s (not timed)")
        t0 = time.perf_counter()
        results = [queue.get() for _ in procs]
        wall = time.perf_counter() - t0
        for proc in procs:
            proc.join()
    done = sum(r[0] for r in results)
    cpu = sum(r[3] for r in results)
    log(f"{api}: {done:,} rows, {workers} worker(s), wall {wall:.2f} s, {done / wall:,.0f} rows/s")
    log(f"CPU time in normalization: {cpu:.2f} s ({cpu / done * 1e6:.1f} us/row)")
    emails, phones = sum(r[1] for r in results), sum(r[2] for r in results)
    log(f"valid e-mails {emails / done:.1%}, valid phones {phones / done:.1%}")
    log(f"peak RSS: main process {_peak_rss_mb(resource.RUSAGE_SELF):,.0f} MB")
    if workers > 1:
        log(f"peak RSS: largest worker {_peak_rss_mb(resource.RUSAGE_CHILDREN):,.0f} MB")
    return wall


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to normalize (default 1,000,000)")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes, each normalizing its share (default 1)"
    )
    parser.add_argument("--chunk", type=int, default=50_000, help="rows per batch (default 50,000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--mode", choices=sorted(MODES), default="columns", help="normalization path")
    args = parser.parse_args(argv)
    run(args.rows, args.workers, args.chunk, args.seed, args.mode)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
