"""Semantic typing accuracy on the labelled synthetic column set (tests/fixtures/semantic_columns.py).

Run from the repository root:

    .venv/bin/python bench/bench_semantic_accuracy.py [--seed N] [--verbose]

Prints the overall accuracy, per-type precision / recall / F1 and the list of confusions.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "layers" / "cdp"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from cdp.catalog import SEMANTIC_TYPES, detect_semantic_type  # noqa: E402

from tests.fixtures.semantic_columns import SEED, build_columns  # noqa: E402


def main() -> int:
    """Run the benchmark and print the report; returns a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the fixture generator")
    parser.add_argument("--verbose", action="store_true", help="print every column")
    args = parser.parse_args()

    columns = build_columns(args.seed)
    started = time.perf_counter()
    results = []
    for column in columns:
        predicted, confidence = detect_semantic_type(column["header"], column["values"])
        results.append((column, predicted, confidence))
    elapsed = time.perf_counter() - started

    correct = sum(1 for column, predicted, _ in results if predicted == column["label"])
    print(f"columns: {len(results)}  correct: {correct}  accuracy: {correct / len(results):.3f}")
    print(f"detection time: {elapsed:.2f} s ({elapsed / len(results) * 1000:.1f} ms per column)")

    by_kind: dict[str, list[bool]] = defaultdict(list)
    for column, predicted, _ in results:
        by_kind[column["kind"]].append(predicted == column["label"])
    print("by header style: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(by_kind.items())))

    true_pos: Counter[str] = Counter()
    predicted_count: Counter[str] = Counter()
    actual_count: Counter[str] = Counter()
    for column, predicted, _ in results:
        label = column["label"] or "(none)"
        guess = predicted or "(none)"
        actual_count[label] += 1
        predicted_count[guess] += 1
        if label == guess:
            true_pos[label] += 1
    print(f"\n{'type':16s} {'n':>3s} {'prec':>6s} {'recall':>6s} {'f1':>6s}")
    for semantic_type in (*SEMANTIC_TYPES, "(none)"):
        n = actual_count[semantic_type]
        if not n and not predicted_count[semantic_type]:
            continue
        precision = (
            true_pos[semantic_type] / predicted_count[semantic_type]
            if predicted_count[semantic_type]
            else 0.0
        )
        recall = true_pos[semantic_type] / n if n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{semantic_type:16s} {n:3d} {precision:6.2f} {recall:6.2f} {f1:6.2f}")

    confusions = [(c, p, conf) for c, p, conf in results if p != c["label"]]
    print(f"\nconfusions ({len(confusions)}):")
    for column, predicted, confidence in confusions:
        sample = ", ".join(repr(v) for v in column["values"][:4])
        print(
            f"  {column['label']!s:15s} -> {predicted!s:15s} ({confidence:.2f})  header={column['header']!r}"
            f" [{column['kind']}]  e.g. {sample}"
        )
    if args.verbose:
        print("\nall columns:")
        for column, predicted, confidence in results:
            mark = "ok " if predicted == column["label"] else "BAD"
            print(f"  {mark} {column['label']!s:15s} {predicted!s:15s} {confidence:.2f} {column['header']!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
