"""Incremental resolution: add 10,000 records to a resolved base instead of resolving the union again.

Steps, each in its own process (its wall time and peak memory, `ru_maxrss`, are measured; the worker
processes normalization spawns are not in the peak):

1. generate N + 10,000 records with `resolve_data.generate` (seeded, with truth) and shuffle them; the
   last 10,000 are the new batch;
2. `cdp resolve base.parquet --out DIR` (a full run: normalizes, trains, resolves the base);
3. `cdp resolve new.parquet --out DIR` (incremental: the stored model, only the new records' blocks);
4. a full run of the engine on the union (DIR's records) with the same model, to compare: blocking,
   scoring and clustering of every record, without normalization or training.

Then the assignments of 3 and 4 are compared as partitions (ids differ by design: the incremental run
keeps the base's ids): records whose cluster differs, and pairs of records together in one but not the
other. Run with the project's environment:

    .venv/bin/python bench/bench_incremental.py --base 100000
    .venv/bin/python bench/bench_incremental.py --base 1000000

Results go to bench/results/incremental-<base>.json and a markdown table is printed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
NEW_RECORDS = 10_000


def _measure(command: list[str]) -> dict[str, Any]:
    """Run a child; its wall time and its own peak memory (the child prints it last, as JSON)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--report-peak", "--", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command}: failed\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    return {"seconds": round(seconds, 1), "peak_mb": json.loads(lines[-1])["peak_mb"], "output": lines[:-1]}


def _report_peak(command: list[str]) -> int:
    """Run `command` in this process (a module's main) and print the peak memory."""
    if command[0] == "cdp":
        from cdp.cli import main

        code = main(command[1:])
    else:
        code = _full_fixed(Path(command[1]))
    print(json.dumps({"peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
    return code


def _full_fixed(out: Path) -> int:
    """The engine over every record of DIR with DIR's model; writes DIR/full_fixed.parquet (ids)."""
    from cdp.resolve import resolve_records
    from cdp.resolve.training import Model
    from cdp.services.resolve_folder import ResolveFolder

    folder = ResolveFolder.open(out)
    assert folder is not None, f"{out}: no `cdp resolve` output"
    records = folder.records().drop_columns(["row"])
    settings = folder.settings()
    # Read through the folder: the model's frequent values are kept beside model.json.
    resolution = resolve_records(records, settings, model=Model.from_dict(folder.model()["model"], settings))
    pq.write_table(pa.table({"customer_id": resolution.ids}), out / "full_fixed.parquet")
    return 0


def _labels(ids: pa.ChunkedArray) -> np.ndarray:
    return pc.dictionary_encode(ids).combine_chunks().indices.to_numpy(zero_copy_only=False).astype(np.int64)


def compare(first: np.ndarray, second: np.ndarray) -> dict[str, int]:
    """How two partitions of the same records differ: records whose cluster is not the same set of
    records, and record pairs together in one partition but not in the other."""
    pair_codes, pair_index = np.unique(np.stack([first, second], axis=1), axis=0, return_inverse=True)
    pair_index = pair_index.ravel()
    together = np.bincount(pair_index)  # records per (first, second) cluster intersection
    size_first = np.bincount(first)[first]
    size_second = np.bincount(second)[second]
    overlap = together[pair_index]
    differing = (size_first != overlap) | (size_second != overlap)

    def pairs(sizes: np.ndarray) -> int:
        return int((sizes * (sizes - 1) // 2).sum())

    shared = pairs(together)
    return {
        "records_in_a_different_cluster": int(differing.sum()),
        "pairs_only_incremental": pairs(np.bincount(first)) - shared,
        "pairs_only_full": pairs(np.bincount(second)) - shared,
        "clusters_incremental": len(np.unique(first)),
        "clusters_full": len(np.unique(second)),
        "intersections": len(pair_codes),
    }


def _compile_cdp(root: Path) -> None:
    """Compile our package's bytecode before timing it, as installing it does (pip compiles what it
    installs). The editable install of a checkout has none, and with PYTHONDONTWRITEBYTECODE set (as on
    our machines) every `cdp` run would compile the package again, about a second."""
    compileall.compile_dir(root / "layers" / "cdp" / "cdp", quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=int, default=100_000, help="records resolved in full first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", default=str(BENCH / "work" / "incremental"))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BENCH))
    from resolve_data import generate

    work = Path(args.workdir) / str(args.base)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    table = generate(args.base + NEW_RECORDS, args.seed)
    table = table.take(pa.array(np.random.default_rng(args.seed).permutation(table.num_rows)))
    pq.write_table(table.slice(0, args.base), work / "base.parquet")
    pq.write_table(table.slice(args.base), work / "new.parquet")

    _compile_cdp(ROOT)
    result: dict[str, Any] = {"base_records": args.base, "new_records": NEW_RECORDS, "seed": args.seed}
    result["base_full"] = _measure(["cdp", "resolve", str(work / "base.parquet"), "--out", str(out)])
    result["incremental"] = _measure(["cdp", "resolve", str(work / "new.parquet"), "--out", str(out)])
    result["full_union_same_model"] = _measure(["full-fixed", str(out)])
    incremental = pq.read_table(out / "xref.parquet")["customer_id"]
    full = pq.read_table(out / "full_fixed.parquet")["customer_id"]
    result["difference"] = compare(_labels(incremental), _labels(full))
    result["incremental_summary"] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / f"incremental-{args.base}.json").write_text(json.dumps(result, indent=2))
    print("| step | records | wall (s) | peak memory (MB) |\n|---|---:|---:|---:|")
    for name, records in (
        ("base_full", args.base),
        ("incremental", NEW_RECORDS),
        ("full_union_same_model", args.base + NEW_RECORDS),
    ):
        print(f"| {name} | {records:,} | {result[name]['seconds']} | {result[name]['peak_mb']} |")
    print(json.dumps(result["difference"], indent=2))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--report-peak":
        sys.exit(_report_peak(sys.argv[3:]))
    sys.exit(main())
