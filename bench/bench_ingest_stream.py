"""Benchmark: streaming read of a large cp1252, semicolon-separated contact CSV through ``cdp.ingest``.

Not a test. It shows that ``open_table(...).batches()`` reads a file of any size with flat memory: the file
is generated on disk in a temporary directory, read through a non-seekable ``read(n)``-only wrapper (like
an S3 ``StreamingBody``), then deleted.

Usage::

    python bench/bench_ingest_stream.py                       # one run, 1000 MB
    python bench/bench_ingest_stream.py --size-mb 300         # one run, 300 MB
    python bench/bench_ingest_stream.py --sweep 100,300,1000  # one subprocess per size, then a table

Each sweep size runs in its own process so that its peak RSS (``ru_maxrss``) is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "cdp"))

from cdp.ingest import open_table  # noqa: E402 - needs the path set above when run as a script

HEADER = (
    "customer_id;civilite;prenom;nom;email;telephone;adresse;code_postal;ville;pays;date_naissance;"
    "societe;siret;montant_total;optin_email;date_maj"
)
FIRST_NAMES = [
    "Jérôme",
    "Élodie",
    "François",
    "Zoé",
    "Noël",
    "Gaëlle",
    "Hélène",
    "Loïc",
    "Marie",
    "Thomas",
    "Anaïs",
    "Benoît",
    "Cécile",
    "Stéphane",
    "Léa",
    "Maël",
    "Inès",
    "Raphaël",
    "Chloé",
    "Jean-Michel",
]
LAST_NAMES = [
    "Lefèvre",
    "Dupré",
    "Martin",
    "Bérard",
    "Müller",
    "Perrin",
    "Gauthier",
    "Lemaître",
    "Roché",
    "Fournier",
    "Girard",
    "Bonnet",
    "Mercier",
    "Faure",
    "André",
    "Chevalier",
    "Boyer",
    "Garnier",
]
CITIES = [
    ("75001", "Paris"),
    ("69001", "Lyon"),
    ("13001", "Marseille"),
    ("25000", "Besançon"),
    ("45000", "Orléans"),
    ("34200", "Sète"),
    ("59000", "Lille"),
    ("06000", "Nice"),
    ("35000", "Rennes"),
    ("67000", "Strasbourg"),
    ("97400", "Saint-Denis"),
    ("44000", "Nantes"),
]
STREETS = [
    "rue de la Paix",
    "avenue des Champs-Élysées",
    "boulevard Saint-Michel",
    "place Bellecour",
    "chemin des Écoliers",
    "allée des Tilleuls",
    "impasse du Moulin",
    "quai de la Fosse",
]
COMPANIES = [
    "",
    "",
    "",
    "Société Générale",
    "Crédit Agricole",
    "Boulangerie Noël SARL",
    "Maçonnerie Gaëlle",
    "Café de l'Étoile",
    "Garage Müller & Fils",
    "Pâtisserie Lenôtre SAS",
]
DOMAINS = ["exemple.fr", "orange.fr", "gmail.com", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr"]
POOL_SIZE = 20_000
BLOCK_ROWS = 10_000


class S3LikeBody:
    """Exposes only ``read(n)``, like botocore's StreamingBody: no seek, no tell."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def close(self) -> None:
        self._file.close()


def _contact(rng: random.Random) -> str:
    """One realistic contact record without its id (fields quoted where a French export would)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    postcode, city = rng.choice(CITIES)
    street = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
    roll = rng.random()
    if roll < 0.02:
        address = f'"{street}\r\nRésidence Les Érables; Bât. {rng.choice("ABCD")}"'  # quoted newline + ';'
    elif roll < 0.10:
        address = f'"{street}; apt {rng.randint(1, 40)}"'
    else:
        address = street
    email = f"{first.lower()}.{last.lower()}{rng.randint(1, 999)}@{rng.choice(DOMAINS)}"
    phone = f"0{rng.randint(1, 7)} " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
    company = rng.choice(COMPANIES)
    siret = f"{rng.randint(10**13, 10**14 - 1)}" if company else ""
    amount = f"{rng.randint(0, 9_999)},{rng.randint(0, 99):02d}" + (" €" if rng.random() < 0.3 else "")
    birth = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1940, 2005)}"
    day, hour = (
        f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
    )
    updated = f"2025-{day} {hour}"
    return ";".join(
        [
            rng.choice(["M.", "Mme", "Mlle", ""]),
            first,
            last,
            email,
            phone,
            address,
            postcode,
            city,
            "France",
            birth,
            company,
            siret,
            amount,
            rng.choice(["oui", "non", "1", "0"]),
            updated,
        ]
    )


def generate(path: Path, size_bytes: int) -> int:
    """Write a cp1252 ';' CSV of at least ``size_bytes`` bytes, block by block (flat memory). Returns rows."""
    rng = random.Random(42)
    pool = [_contact(rng) for _ in range(POOL_SIZE)]
    rows = 0
    written = 0
    with path.open("wb") as out:
        written += out.write((HEADER + "\r\n").encode("cp1252"))
        while written < size_bytes:
            block = "".join(f"C{rows + i:09d};{pool[(rows + i) % POOL_SIZE]}\r\n" for i in range(BLOCK_ROWS))
            written += out.write(block.encode("cp1252"))
            rows += BLOCK_ROWS
    return rows


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def run_once(size_mb: int, batch_size: int, keep: bool) -> dict[str, float | int | str]:
    """Generate a file of ``size_mb`` MB, read it through ``open_table`` and measure."""
    directory = Path(tempfile.mkdtemp(prefix="cdp-bench-ingest-"))
    try:
        path = directory / f"contacts_{size_mb}mb.csv"
        started = time.perf_counter()
        generated_rows = generate(path, size_mb * 1024 * 1024)
        generate_seconds = time.perf_counter() - started
        file_bytes = path.stat().st_size
        rss_before = _current_rss_mb()
        peak_before = _peak_rss_mb()

        body = S3LikeBody(path)
        started = time.perf_counter()
        reader = open_table(body, path.name)
        rows = errors = batches = 0
        for batch in reader.batches(batch_size):
            rows += len(batch.rows)
            errors += len(batch.errors)
            batches += 1
        seconds = time.perf_counter() - started
        body.close()
        if rows != generated_rows or errors:
            raise SystemExit(f"read {rows} rows and {errors} errors, expected {generated_rows} rows")
        return {
            "size_mb": round(file_bytes / 2**20),
            "rows": rows,
            "batches": batches,
            "encoding": str(reader.encoding),
            "delimiter": str(reader.delimiter),
            "generate_s": round(generate_seconds, 1),
            "read_s": round(seconds, 1),
            "rows_per_s": round(rows / seconds),
            "mb_per_s": round(file_bytes / 2**20 / seconds, 1),
            "rss_before_read_mb": round(rss_before, 1),
            "peak_rss_before_read_mb": round(peak_before, 1),
            "peak_rss_mb": round(_peak_rss_mb(), 1),
        }
    finally:
        if keep:
            print(f"kept {directory}", file=sys.stderr)
        else:
            shutil.rmtree(directory, ignore_errors=True)


def sweep(sizes: list[int], batch_size: int) -> list[dict[str, float | int | str]]:
    """Run each size in its own process (so peak RSS is per run) and collect the results."""
    results = []
    for size in sizes:
        command = [
            sys.executable,
            __file__,
            "--size-mb",
            str(size),
            "--batch-size",
            str(batch_size),
            "--json",
        ]
        completed = subprocess.run(command, check=True, capture_output=True, text=True)
        results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
        print(f"  {size} MB done in {results[-1]['read_s']} s", file=sys.stderr)
    return results


def print_table(results: list[dict[str, float | int | str]]) -> None:
    columns = [
        ("size_mb", "file MB"),
        ("rows", "rows"),
        ("batches", "batches"),
        ("read_s", "read s"),
        ("rows_per_s", "rows/s"),
        ("mb_per_s", "MB/s"),
        ("rss_before_read_mb", "RSS before read MB"),
        ("peak_rss_mb", "peak RSS MB"),
    ]
    widths = [
        max(len(title), *(len(f"{r[key]:,}" if isinstance(r[key], int) else str(r[key])) for r in results))
        for key, title in columns
    ]
    print(" | ".join(title.rjust(width) for (_, title), width in zip(columns, widths, strict=True)))
    print("-+-".join("-" * width for width in widths))
    for result in results:
        cells = [
            f"{result[key]:,}" if isinstance(result[key], int) else str(result[key]) for key, _ in columns
        ]
        print(" | ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=1000, help="size of the generated CSV (default 1000)")
    parser.add_argument("--sweep", help="comma-separated sizes in MB, each run in its own process")
    parser.add_argument("--batch-size", type=int, default=50_000, help="rows per batch (default 50000)")
    parser.add_argument("--json", action="store_true", help="print the single run's result as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the generated file (debugging)")
    args = parser.parse_args()
    if args.sweep:
        print_table(sweep([int(size) for size in args.sweep.split(",")], args.batch_size))
        return
    result = run_once(args.size_mb, args.batch_size, args.keep)
    if args.json:
        print(json.dumps(result))
    else:
        print_table([result])


if __name__ == "__main__":
    main()
