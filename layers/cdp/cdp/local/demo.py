"""`cdp demo`: the whole pipeline on the embedded emulator, from file drops to published segments."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdp.local.sample import Sample, generate
from cdp.local.stack import LocalCdp
from cdp.services.register import REGISTER_PREFIX

DEMO_QUERY = """
SELECT c.customer_id, c.first_name, c.last_name, c.email, c.city, m.orders, m.revenue,
       cardinality(c.sources) AS sources
FROM golden_contact c
JOIN customer_metrics m ON m.customer_id = c.customer_id
ORDER BY m.revenue DESC
LIMIT 5
"""


@dataclass
class DemoResult:
    """What the demo did, for the summary and the integration test."""

    sample: Sample
    reports: list[dict[str, Any]]
    api_statuses: list[int]
    run: dict[str, Any]
    golden_contacts: int
    golden_accounts: int
    segments: dict[str, dict[str, int]]
    published: dict[str, Any]
    query_rows: list[dict[str, Any]]
    lake: Path
    seconds: dict[str, float] = field(default_factory=dict)
    # B2B: golden accounts by register status, contact-account links by evidence.
    accounts_by_register_status: dict[str, int] = field(default_factory=dict)
    links_by_evidence: dict[str, int] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_in(self) -> int:
        return sum(r["rows_in"] for r in self.reports)

    @property
    def staged(self) -> int:
        return sum(r["staged"] for r in self.reports)

    @property
    def quarantined(self) -> int:
        return sum(r["quarantined"] for r in self.reports)

    @property
    def unreadable(self) -> list[dict[str, Any]]:
        return [r for r in self.reports if r["status"] == "unreadable"]


def run_demo(
    root: Path, out: Path, persons: int = 300, seed: int = 7, fail_first_deliveries: int = 2
) -> DemoResult:
    """Generate the sample, run it through the local stack, export the lake, and return what happened.

    Args:
        root: the repository (template.yaml, functions/, config/).
        out: where the sample and the exported lake go (`out/input`, `out/lake`).
        persons: how many people the sample is about.
        seed: the sample's random seed.
        fail_first_deliveries: the receiver answers this many first requests with 429 then 500, so the
            demo shows retries at work.
    """
    shutil.rmtree(out, ignore_errors=True)
    timings: dict[str, float] = {}
    started = time.monotonic()
    sample = generate(out / "input", persons=persons, seed=seed)
    with LocalCdp(root) as cdp:
        timings["deploy"] = time.monotonic() - started
        mark = time.monotonic()
        if sample.register is not None:
            cdp.store.put_bytes(
                cdp.buckets.config, f"{REGISTER_PREFIX}{sample.register.name}", sample.register.read_bytes()
            )
        for name, path in sample.files.items():
            source = name.split("_")[0]
            cdp.drop(path, f"{source}/{path.name}")
        statuses = []
        for number, batch in enumerate(sample.api_batches):
            status, _ = cdp.post_records("webforms", batch, idempotency_key=f"demo-webforms-{number}")
            statuses.append(status)
        # A client retry of the first batch: same key, same body -> the same answer, no second landing.
        status, _ = cdp.post_records("webforms", sample.api_batches[0], idempotency_key="demo-webforms-0")
        statuses.append(status)
        cdp.settle()
        timings["ingest"] = time.monotonic() - mark
        mark = time.monotonic()
        cdp.receiver.fail_next(*([429, 500] * fail_first_deliveries)[:fail_first_deliveries])
        run = cdp.run_unify("run-0001")
        cdp.settle_deliveries()
        timings["unify"] = time.monotonic() - mark
        golden_contacts = cdp.query("SELECT count(*) AS n FROM golden_contact").column("n")[0].as_py()
        golden_accounts = cdp.query("SELECT count(*) AS n FROM golden_account").column("n")[0].as_py()
        query_rows = cdp.query(DEMO_QUERY).to_pylist()
        by_status = cdp.query("SELECT register_status AS k, count(*) AS n FROM golden_account GROUP BY 1")
        by_evidence = cdp.query("SELECT evidence AS k, count(*) AS n FROM contact_account GROUP BY 1")
        received = cdp.receiver.received
        published = {
            "records": len(received.records()),
            "batches": len(received.batches),
            "duplicates_dropped": received.duplicates,
            "failures_answered": list(received.failures_sent),
            "by_destination": dict(Counter(b["destination"] for b in received.batches.values())),
            "accepted_batches": list(received.batches.values()),
            "excluded_without_consent": dict(
                sum(
                    (
                        Counter({d["value"]["destination"]: d["value"]["excluded"]})
                        for d in run["output"].get("published", [])
                    ),
                    Counter(),
                )
            ),
            "dead_letters": cdp.dead_letters(),
            "files": sorted(item.key for item in cdp.store.list(cdp.stack.physical["OutboxBucket"], "")),
        }
        # The 360 view of the best customer, through the profile API (by id, then by e-mail)
        top = query_rows[0]
        profile = {
            "by_id": cdp.api_get(f"/v1/profiles/{top['customer_id']}"),
            "by_email": cdp.api_get("/v1/profiles", {"email": top["email"].upper()}),
            "unknown": cdp.api_get("/v1/profiles/C-unknown"),
        }
        reports = cdp.reports()
        lake = cdp.export(out / "lake")
    segments = (
        run["output"].get("segments", {}).get("value", {}).get("segments", {})
        if run["status"] == "SUCCEEDED"
        else {}
    )
    timings["total"] = time.monotonic() - started
    return DemoResult(
        sample,
        reports,
        statuses,
        run,
        golden_contacts,
        golden_accounts,
        segments,
        published,
        query_rows,
        lake,
        timings,
        accounts_by_register_status={row["k"]: row["n"] for row in by_status.to_pylist()},
        links_by_evidence={row["k"]: row["n"] for row in by_evidence.to_pylist()},
        profile=profile,
    )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{key}: {n}" for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def print_summary(result: DemoResult) -> None:
    """The demo's summary in the terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    files = Table(title="Sources landed (rows in = staged + quarantined)")
    for column in ("object", "status", "format", "rows in", "staged", "quarantined", "reasons / error"):
        files.add_column(column)
    for r in result.reports:
        detail = r.get("error") or ", ".join(f"{k}: {v}" for k, v in r["reasons"].items())
        files.add_row(
            r["object_key"],
            r["status"],
            r.get("format") or "-",
            str(r["rows_in"]),
            str(r["staged"]),
            str(r["quarantined"]),
            detail,
        )
    console.print(files)
    console.print(
        f"Ingest API answers: {result.api_statuses} (the last is a retry with the same Idempotency-Key)\n"
        f"Unify run: [bold]{result.run['status']}[/bold]\n"
        f"Records in: {result.rows_in}, staged: {result.staged}, quarantined: {result.quarantined}, "
        f"unreadable files: {len(result.unreadable)}\n"
        f"Golden contacts: [bold]{result.golden_contacts}[/bold] "
        f"(people in the sample: {result.sample.persons}), "
        f"golden accounts: [bold]{result.golden_accounts}[/bold] (companies: {result.sample.companies})"
    )
    statuses, evidence = result.accounts_by_register_status, result.links_by_evidence
    console.print(
        f"B2B: accounts verified by the company register: [bold]{statuses.get('verified', 0)}[/bold] "
        f"of {result.golden_accounts} ({_counts(statuses)}); contacts linked to accounts: "
        f"[bold]{sum(evidence.values())}[/bold] ({_counts(evidence)})"
    )
    segments = Table(title="Segments")
    for column in ("segment", "size", "entered", "exited"):
        segments.add_column(column)
    for name, sizes in sorted(result.segments.items()):
        segments.add_row(name, str(sizes["size"]), str(sizes["entered"]), str(sizes["exited"]))
    console.print(segments)
    p = result.published
    console.print(
        f"Published: {p['records']} records in {p['batches']} batches {p['by_destination']} through the "
        f"delivery queue; the receiver answered {p['failures_answered']} first and the batches were retried; "
        f"duplicates dropped: {p['duplicates_dropped']}; dead letters: {p['dead_letters']}; "
        f"files in the outbox: {len(p['files'])}; left out without consent: {p['excluded_without_consent']}"
    )
    status, view = result.profile["by_id"]
    if status == 200:
        console.print(
            f"Profile API GET /v1/profiles/{view['customer_id']}: {status}, "
            f"{len(view['source_records'])} source records "
            f"({', '.join(sorted({s['source'] for s in view['source_records']}))}), "
            f"revenue {view['metrics']['revenue']}, segments {view['segments']}, "
            f"{len(view['consents'])} consent statements"
        )
    top = Table(
        title="SELECT ... FROM golden_contact JOIN customer_metrics ORDER BY revenue DESC LIMIT 5 (DuckDB)"
    )
    for column in ("customer_id", "first_name", "last_name", "email", "city", "orders", "revenue", "sources"):
        top.add_column(column)
    for row in result.query_rows:
        top.add_row(
            *(
                str(row[c])
                for c in (
                    "customer_id",
                    "first_name",
                    "last_name",
                    "email",
                    "city",
                    "orders",
                    "revenue",
                    "sources",
                )
            )
        )
    console.print(top)
    console.print(
        f"Outputs: the lake (every bucket, Parquet and JSON) in [bold]{result.lake}[/bold]; query it with "
        f'`cdp query "SQL" --lake {result.lake}`.  Timings: '
        + ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items())
    )
