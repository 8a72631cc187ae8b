"""The `cdp` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cdp.services.ingest_api import SOURCE_NAME


def _repository_root() -> Path:
    """The folder holding template.yaml: the current directory or one of its parents."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "template.yaml").is_file():
            return folder
    raise SystemExit("cdp: run this inside the project (no template.yaml found in this folder or above)")


def _demo(args: argparse.Namespace) -> int:
    from cdp.local.demo import print_summary, run_demo

    result = run_demo(_repository_root(), Path(args.out).resolve(), persons=args.persons, seed=args.seed)
    print_summary(result)
    return 0 if result.run["status"] == "SUCCEEDED" else 1


def _query(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from cdp.local.athena import DuckDBQueryEngine, QueryError
    from cdp.local.lake_dir import FolderCatalog, FolderObjectStore
    from cdp.local.named_queries import bind, named_queries

    lake = Path(args.lake)
    if not (lake / "catalog.json").is_file():
        print(f"cdp query: no exported lake at {lake} (run `make demo` first)", file=sys.stderr)
        return 2
    if (args.sql is None) == (args.named is None):
        print("cdp query: give either SQL or --named NAME", file=sys.stderr)
        return 2
    try:
        sql = args.sql
        if args.named is not None:
            queries = named_queries(_repository_root() / "template.yaml")
            if args.named not in queries:
                raise QueryError(f"no named query {args.named!r}; known: {', '.join(sorted(queries))}")
            sql = bind(queries[args.named], args.param)
        result = DuckDBQueryEngine(FolderCatalog(lake), FolderObjectStore(lake)).query(sql)
    except QueryError as error:
        print(f"cdp query: {error}", file=sys.stderr)
        return 2
    table = Table()
    for name in result.column_names:
        table.add_column(name)
    for row in result.to_pylist()[: args.limit]:
        table.add_row(*(str(row[name]) for name in result.column_names))
    Console().print(table)
    print(f"{result.num_rows} row(s)")
    return 0


def _forget(args: argparse.Namespace) -> int:
    import json

    from cdp.erasure import ErasureRequestError
    from cdp.local.lake_dir import FolderObjectStore, folder_buckets, folder_outbox
    from cdp.services.erasure import ErasureTargets, forget
    from cdp.services.lake import Lake

    lake = Path(args.lake)
    if not (lake / "catalog.json").is_file():
        print(f"cdp forget: no lake at {lake} (run `make demo` first)", file=sys.stderr)
        return 2
    kind, value = next(
        (k, v)
        for k, v in (("email", args.email), ("phone", args.phone), ("customer_id", args.customer_id))
        if v
    )
    try:
        # A saved lake has no delivery queue nor profile table: the receipt says which removes were not sent.
        receipt = forget(
            Lake(FolderObjectStore(lake), folder_buckets(lake)),
            kind,
            value,
            args.include_raw,
            targets=ErasureTargets(outbox_bucket=folder_outbox(lake)),
        )
    except ErasureRequestError as error:
        print(f"cdp forget: {error}", file=sys.stderr)
        return 2
    print(json.dumps(receipt, indent=2))
    return 0


def _lake_stack(lake: Path):  # noqa: ANN202 - a LocalCdp, imported lazily
    """A local stack with the lake saved in `lake` loaded into it."""
    from cdp.local.stack import LocalCdp

    cdp = LocalCdp(_repository_root()).start()
    cdp.restore(lake)
    return cdp


def _ingest(args: argparse.Namespace) -> int:
    from rich.console import Console

    path = Path(args.file)
    if not path.is_file():
        print(f"cdp ingest: {path}: no such file", file=sys.stderr)
        return 2
    if not SOURCE_NAME.match(args.source):
        print(f"cdp ingest: source name {args.source!r} must match {SOURCE_NAME.pattern}", file=sys.stderr)
        return 2
    lake = Path(args.lake)
    cdp = _lake_stack(lake)
    try:
        key = f"{args.source}/{path.name}"
        version = cdp.drop(path, key)
        cdp.settle()
        report = next(
            (r for r in cdp.reports() if r["object_key"] == key and r["version_id"] == version), None
        )
        cdp.export(lake)
    finally:
        cdp.stop()
    if report is None:
        print(
            f"cdp ingest: {path}: the catalog function did not report (see the logs above)", file=sys.stderr
        )
        return 1
    console = Console()
    if report["status"] == "unreadable":
        print(f"cdp ingest: {path}: {report['error']}", file=sys.stderr)
        return 1
    console.print(
        f"{key}: {report['format']} ({report['encoding'] or 'binary'}), rows in {report['rows_in']}, "
        f"staged [bold]{report['staged']}[/bold], quarantined [bold]{report['quarantined']}[/bold]"
        + ("" if report["reconciled"] else " [red](does not reconcile)[/red]")
    )
    for reason, count in sorted(report["reasons"].items()):
        console.print(f"  quarantined, {reason}: {count}")
    if report["status"] == "unknown_source":
        console.print(
            f"Unknown source {args.source!r}: nothing staged. A draft mapping was proposed in the lake at "
            f"{lake / cdp.buckets.config / report['draft_key']}; review it, save it as "
            f"config/sources/{args.source}.yaml and ingest again."
        )
        return 1
    console.print(f"Lake saved in {lake}.")
    return 0


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console

    lake = Path(args.lake)
    cdp = _lake_stack(lake)
    try:
        result = cdp.run_unify(args.run_id)
        cdp.export(lake)
    finally:
        cdp.stop()
    console = Console()
    if result["status"] != "SUCCEEDED":
        print(f"cdp run: {result['status']}: {result['error']}: {result['cause']}", file=sys.stderr)
        return 1
    output = result["output"]
    console.print(f"Run {args.run_id}: SUCCEEDED")
    console.print_json(
        data={
            "resolve": output["resolve"]["value"],
            "merge": output["merge"]["value"],
            "segments": output["segments"]["value"]["segments"],
        }
    )
    return 0


def _catalog(args: argparse.Namespace) -> int:
    from cdp.local.catalog_view import print_catalog

    lake = Path(args.lake)
    if not (lake / "catalog.json").is_file():
        print(f"cdp catalog: no lake at {lake} (run `make demo` or `cdp ingest` first)", file=sys.stderr)
        return 2
    print_catalog(lake)
    return 0


def _resolve(args: argparse.Namespace) -> int:
    from cdp.ingest import UnreadableFile
    from cdp.services.batch_resolve import InputError, read_settings, resolve_stream

    path = Path(args.input)
    if not path.is_file():
        print(f"cdp resolve: {path}: no such file", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        settings = None if args.settings is None else read_settings(Path(args.settings))
        with path.open("rb") as stream:
            result = resolve_stream(
                stream,
                path.name,
                args.country,
                args.date_order == "DMY",
                out=out,
                full=args.full,
                settings=settings,
            )
    except (InputError, UnreadableFile) as error:
        print(f"cdp resolve: {error}", file=sys.stderr)
        return 2
    result.write(out)
    summary = result.summary
    if summary["fields_without_values"]:
        print(
            f"cdp resolve: note: no record has a value for {', '.join(summary['fields_without_values'])}: "
            "the comparisons and blocking rules on them find nothing",
            file=sys.stderr,
        )
    print(
        f"{summary['records']} records -> {summary['customers']} customers ({summary['mode']} run, "
        f"{summary['fresh_records']} new or changed records, {summary['candidate_pairs']} candidate pairs, "
        f"{summary['accepted_links']} links, ledger events {summary['ledger_events']}); written to {out}"
    )
    return 0


def _settings(args: argparse.Namespace) -> int:
    from cdp.resolve import CONTACT_SETTINGS
    from cdp.resolve.settings_file import settings_document

    print(settings_document(CONTACT_SETTINGS), end="")
    return 0


def _override(args: argparse.Namespace) -> int:
    from cdp.services.batch_resolve import InputError, add_override, resolve_stream

    out = Path(args.out)
    kind = "link" if args.command == "link" else "separate"
    try:
        override = add_override(out, kind, args.first, args.second, args.by, args.why)
        # Applied at once: the folder is resolved again with no new records, honouring the override.
        result = resolve_stream(None, "", out=out)
    except InputError as error:
        print(f"cdp {args.command}: {error}", file=sys.stderr)
        return 2
    result.write(out)
    xref = result.xref.to_pydict()
    id_of = {
        f"{s}:{i}": c for s, i, c in zip(xref["source"], xref["source_id"], xref["customer_id"], strict=True)
    }
    print(
        f"{override.kind.value} {override.first} ({id_of[override.first]}) and {override.second} "
        f"({id_of[override.second]}) by {override.by}: {override.why}; ledger events "
        f"{result.summary['ledger_events']}; written to {out}"
    )
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    import json

    from rich.console import Console
    from rich.table import Table

    from cdp.services.evaluation import LINKS_FILE, EvaluationInputError, evaluate_output

    try:
        evaluation = evaluate_output(Path(args.dir), Path(args.truth), args.column)
    except EvaluationInputError as error:
        print(f"cdp evaluate: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(evaluation.to_dict(), indent=2))
        return 0
    counts = Table()
    counts.add_column("")
    counts.add_column("count", justify="right")
    counts.add_column("largest (sizes)")
    counts.add_row("records", str(evaluation.records), "")
    for name, count, largest in (
        ("true entities", evaluation.true_entities, evaluation.largest_true_clusters),
        ("predicted entities", evaluation.predicted_entities, evaluation.largest_predicted_clusters),
    ):
        counts.add_row(name, str(count), ", ".join(map(str, largest)))
    scores = Table()
    scores.add_column("measure")
    for name in ("precision", "recall", "F1"):
        scores.add_column(name, justify="right", no_wrap=True, min_width=6)
    scores.add_column("pairs right/predicted/true", justify="right")
    # B-cubed averages over records: it has no pair counts.
    measures = [("pairwise", evaluation.pairwise, True), ("B-cubed", evaluation.bcubed, False)]
    if evaluation.links is not None:
        measures.append(("accepted links", evaluation.links, True))
    for name, score, counts_pairs in measures:
        pairs = f"{score.true_positives} / {score.predicted} / {score.actual}" if counts_pairs else "-"
        scores.add_row(name, f"{score.precision:.4f}", f"{score.recall:.4f}", f"{score.f1:.4f}", pairs)
    console = Console()
    console.print(f"{args.dir} against column {args.column!r} of {args.truth}")
    console.print(counts)
    console.print(scores)
    if evaluation.links is None:
        console.print(f"No {Path(args.dir) / LINKS_FILE}: links not scored.")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from cdp.services.explain import ExplainError, explain_records

    try:
        explained = explain_records(Path(args.dir), args.first, args.second)
    except ExplainError as error:
        print(f"cdp explain: {error}", file=sys.stderr)
        return 2
    if args.json:
        import json

        print(json.dumps(explained, indent=2))
        return 0
    # A waterfall: each field's weight as a bar from the running total, in bits (log2 odds).
    table = Table(title=f"{args.first}  vs  {args.second}")
    for name, justify in (("step", "left"), ("values", "left"), ("level", "left"), ("weight", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("running total", justify="right")
    table.add_column("", no_wrap=True)
    running = explained["prior"]
    table.add_row("prior", "", "", f"{running:+.2f}", f"{running:+.2f}", "")
    for item in explained["fields"]:
        weight = item["weight"]
        running += weight
        left, right = explained["values"][item["field"]]
        values = "" if item["level"] == "missing" else f"{left} | {right}"
        bar = (
            ("[green]" + "█" * round(weight) + "[/]")
            if weight > 0
            else ("[red]" + "█" * round(-weight) + "[/]")
        )
        table.add_row(item["field"], values, item["level"], f"{weight:+.2f}", f"{running:+.2f}", bar)
    console = Console()
    console.print(table)
    verdict = "LINK" if explained["accepted"] else "no link"
    reasons = [f"veto: {explained['veto']}"] if "veto" in explained else []
    reasons += [f"rule: {explained['rule']}"] if "rule" in explained else []
    console.print(
        f"total {explained['total']:+.2f} bits, probability {explained['probability']:.4f} "
        f"(threshold {explained['threshold_probability']}) -> {verdict}"
        + (f" ({'; '.join(reasons)})" if reasons else "")
    )
    same = "the same customer" if explained["same_customer"] else "different customers"
    console.print(
        f"In this output they are {same}: {explained['customer_ids'][0]}, {explained['customer_ids'][1]}"
    )
    return 0


def _redrive(args: argparse.Namespace) -> int:
    import boto3

    from cdp.adapters.aws import SqsQueue
    from cdp.services.activation import redrive

    queue_url, dlq_url = args.queue, args.dlq
    if args.stack:
        stack = boto3.client("cloudformation")

        def physical(logical: str) -> str:
            detail = stack.describe_stack_resource(StackName=args.stack, LogicalResourceId=logical)
            return str(detail["StackResourceDetail"]["PhysicalResourceId"])

        queue_url = queue_url or physical("DeliveryQueue")
        dlq_url = dlq_url or physical("DeliveryDeadLetterQueue")
    if not (queue_url and dlq_url):
        raise SystemExit("cdp redrive: give --stack, or both --queue and --dlq")
    moved = redrive(SqsQueue(dlq_url), SqsQueue(queue_url), args.limit)
    print(f"moved {moved} batch(es) from {dlq_url} back to {queue_url}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cdp` command."""
    parser = argparse.ArgumentParser(prog="cdp", description="Serverless Customer Data Platform, locally.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the whole pipeline on the embedded AWS emulator")
    demo.add_argument("--out", default="out/demo", help="where the sample and the exported lake go")
    demo.add_argument("--persons", type=int, default=300)
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(run=_demo)
    query = commands.add_parser("query", help="run Athena SQL on DuckDB over an exported lake")
    query.add_argument("sql", nargs="?")
    query.add_argument("--named", help="run a named query of template.yaml (AWS::Athena::NamedQuery)")
    query.add_argument(
        "--param", action="append", default=[], help="a value for the named query's next `?` (repeatable)"
    )
    query.add_argument("--lake", default="out/demo/lake")
    query.add_argument("--limit", type=int, default=50, help="rows to print")
    query.set_defaults(run=_query)
    ingest = commands.add_parser("ingest", help="land a local file through the local stack and reconcile it")
    ingest.add_argument("file")
    ingest.add_argument(
        "--source", required=True, help="the source it comes from (config/sources/<name>.yaml)"
    )
    ingest.add_argument("--lake", default="out/demo/lake", help="the local lake folder (loaded, then saved)")
    ingest.set_defaults(run=_ingest)
    forget = commands.add_parser(
        "forget", help="erase a person from the local lake (staging, golden tables, snapshots, derived files)"
    )
    who = forget.add_mutually_exclusive_group(required=True)
    who.add_argument("--email")
    who.add_argument("--phone")
    who.add_argument("--customer-id", help="a golden customer_id, a source record id or a customer number")
    forget.add_argument(
        "--include-raw",
        action="store_true",
        help="also delete the raw landed files holding them (every version)",
    )
    forget.add_argument("--lake", default="out/demo/lake")
    forget.set_defaults(run=_forget)
    run = commands.add_parser("run", help="run the unify state machine on the local lake")
    run.add_argument("--lake", default="out/demo/lake")
    run.add_argument("--run-id", default=None, help="defaults to run-<UTC timestamp>")
    run.set_defaults(run=_run)
    catalog = commands.add_parser("catalog", help="print the data catalog: tables and file profiles")
    catalog.add_argument("--lake", default="out/demo/lake")
    catalog.set_defaults(run=_catalog)
    resolve = commands.add_parser(
        "resolve", help="resolve a CSV/Parquet file of contacts with canonical columns"
    )
    resolve.add_argument("input")
    resolve.add_argument(
        "--out", required=True, help="folder for xref, links, records (Parquet), model.json and summary.json"
    )
    resolve.add_argument("--country", default="FR", help="default country of phone numbers and addresses")
    resolve.add_argument("--date-order", choices=["DMY", "MDY", "YMD"], default="DMY")
    resolve.add_argument(
        "--full", action="store_true", help="recompute everything instead of adding to what --out holds"
    )
    resolve.add_argument(
        "--settings",
        help="resolution settings (YAML or JSON, full or partial: keys left out keep the defaults; "
        "`cdp settings` prints them); a folder keeps the settings of its first run",
    )
    resolve.set_defaults(run=_resolve)
    settings = commands.add_parser(
        "settings", help="print the default contact resolution settings (YAML): a start for --settings"
    )
    settings.set_defaults(run=_settings)
    for name, meaning in (("link", "are the same customer"), ("unlink", "are different customers")):
        override = commands.add_parser(
            name, help=f"record that two records {meaning}; every later `cdp resolve` into --out honours it"
        )
        override.add_argument("first", help="a record: source:source_id")
        override.add_argument("second", help="a record: source:source_id")
        override.add_argument("--by", required=True, help="who decides")
        override.add_argument("--why", required=True, help="the reason, kept in the ledger")
        override.add_argument("--out", required=True, help="the --out folder of `cdp resolve`")
        override.set_defaults(run=_override)
    evaluate = commands.add_parser(
        "evaluate", help="score the output of `cdp resolve` against a ground-truth column of its input"
    )
    evaluate.add_argument("dir", help="the --out folder of `cdp resolve` (its xref and links)")
    evaluate.add_argument("--truth", required=True, help="the resolved CSV/Parquet file")
    evaluate.add_argument("--column", required=True, help="the column of the true entity id")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.set_defaults(run=_evaluate)
    explain = commands.add_parser("explain", help="why two records of a `cdp resolve` output match or not")
    explain.add_argument("dir", help="the --out folder of `cdp resolve`")
    explain.add_argument("first", help="a record: source:source_id, or a source_id unique across sources")
    explain.add_argument("second")
    explain.add_argument("--json", action="store_true", help="print the explanation as JSON")
    explain.set_defaults(run=_explain)
    redrive = commands.add_parser(
        "redrive", help="move failed delivery batches from the dead-letter queue back to the delivery queue"
    )
    redrive.add_argument("--stack", help="the deployed stack's name (finds both queues)")
    redrive.add_argument("--queue", help="URL of the delivery queue")
    redrive.add_argument("--dlq", help="URL of the dead-letter queue")
    redrive.add_argument("--limit", type=int, default=None, help="move at most this many batches")
    redrive.set_defaults(run=_redrive)
    args = parser.parse_args(argv)
    if getattr(args, "run_id", "unset") is None:
        from datetime import UTC, datetime

        args.run_id = datetime.now(UTC).strftime("run-%Y%m%dT%H%M%S")
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
