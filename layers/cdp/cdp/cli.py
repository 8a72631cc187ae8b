"""The `cdp` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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

    lake = Path(args.lake)
    if not (lake / "catalog.json").is_file():
        print(f"cdp query: no exported lake at {lake} (run `make demo` first)", file=sys.stderr)
        return 2
    try:
        result = DuckDBQueryEngine(FolderCatalog(lake), FolderObjectStore(lake)).query(args.sql)
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
    query.add_argument("sql")
    query.add_argument("--lake", default="out/demo/lake")
    query.add_argument("--limit", type=int, default=50, help="rows to print")
    query.set_defaults(run=_query)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
