"""`cdp evaluate` on a small hand-made `cdp resolve` output folder and its truth file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from cdp.cli import main

# Three people: p1 has 3 records, p2 two, p3 one. Leading zeros must survive: "001" is not "1".
TRUTH_CSV = (
    "source,source_id,first_name,person\n"
    "crm,001,Marie,p1\n"
    "web,a,Marie,p1\n"
    "shop,9,M.,p1\n"
    "crm,002,Jean,p2\n"
    "web,b,Jean,p2\n"
    "crm,003,Paul,p3\n"
)
# The resolution split p1 in two and merged p2 with p3; crm/099 was resolved but is not in the truth.
XREF = {
    "source": ["crm", "web", "shop", "crm", "web", "crm", "crm"],
    "source_id": ["001", "a", "9", "002", "b", "003", "099"],
    "customer_id": ["c1", "c1", "c2", "c3", "c3", "c3", "c3"],
}
# Accepted: two true links (one written right to left), one false; a refused one and one to crm/099
# are not counted.
LINKS = [
    ("crm", "001", "web", "a", True),
    ("web", "b", "crm", "002", True),
    ("crm", "002", "crm", "003", True),
    ("shop", "9", "crm", "001", False),
    ("crm", "003", "crm", "099", True),
]


@pytest.fixture
def resolved(tmp_path: Path) -> Path:
    """A `cdp resolve` output folder with xref.parquet and links.parquet."""
    out = tmp_path / "out"
    out.mkdir()
    pq.write_table(pa.table(XREF), out / "xref.parquet")
    names = ["left_source", "left_source_id", "right_source", "right_source_id", "accepted"]
    links = pa.table({name: [link[i] for link in LINKS] for i, name in enumerate(names)})
    pq.write_table(links.append_column("match_weight", pa.array([9.0] * len(LINKS))), out / "links.parquet")
    return out


@pytest.fixture
def truth(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(TRUTH_CSV, encoding="utf-8")
    return path


def _evaluate_json(out: Path, truth: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["evaluate", str(out), "--truth", str(truth), "--column", "person", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_prints_a_table_of_counts_and_scores(
    resolved: Path, truth: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # When the output folder is evaluated against the person column
    code = main(["evaluate", str(resolved), "--truth", str(truth), "--column", "person"])
    # Then the counts and the scores are printed
    printed = capsys.readouterr().out
    assert code == 0
    assert "records" in printed and "true entities" in printed and "predicted entities" in printed
    assert "3, 2, 1" in printed  # the true entity sizes
    # Pairwise: 2 of 4 predicted pairs true, 2 of 4 true pairs found; B-cubed 7/9 both ways;
    # links: 2 of 3 accepted links true, 2 of 4 true pairs found.
    assert "0.5000" in printed and "0.7778" in printed and "0.6667" in printed and "0.5714" in printed
    assert "B-cubed" in printed and "accepted links" in printed


def test_json_holds_the_evaluation(resolved: Path, truth: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # When the evaluation is asked as JSON
    document = _evaluate_json(resolved, truth, capsys)
    # Then it holds every measure; crm/099 and the links touching it are left out
    assert (document["records"], document["true_entities"], document["predicted_entities"]) == (6, 3, 3)
    assert document["pairwise"] == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "true_positives": 2,
        "predicted": 4,
        "actual": 4,
    }
    assert document["bcubed"]["precision"] == pytest.approx(7 / 9)
    assert document["bcubed"]["recall"] == pytest.approx(7 / 9)
    links = document["links"]
    assert (links["true_positives"], links["predicted"], links["actual"]) == (2, 3, 4)
    assert links["f1"] == pytest.approx(4 / 7)
    assert document["largest_predicted_clusters"] == [3, 2, 1]
    assert document["largest_true_clusters"] == [3, 2, 1]


def test_without_links_file_links_are_not_scored(
    resolved: Path, truth: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an output folder without links.parquet
    (resolved / "links.parquet").unlink()
    # Then the clusters are scored and the links are not
    assert _evaluate_json(resolved, truth, capsys)["links"] is None
    assert main(["evaluate", str(resolved), "--truth", str(truth), "--column", "person"]) == 0
    assert "links not scored" in capsys.readouterr().out


def test_reads_gzip_csv_and_parquet_truth(
    resolved: Path, truth: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the same truth as gzip CSV and as Parquet
    gzipped = tmp_path / "contacts.csv.gz"
    gzipped.write_bytes(gzip.compress(TRUTH_CSV.encode()))
    parquet = tmp_path / "contacts.parquet"
    all_text = pacsv.ConvertOptions(column_types=dict.fromkeys(["source_id"], pa.string()))
    pq.write_table(pacsv.read_csv(truth, convert_options=all_text), parquet)
    # Then each gives the same evaluation as the CSV
    expected = _evaluate_json(resolved, truth, capsys)
    assert _evaluate_json(resolved, gzipped, capsys) == expected
    assert _evaluate_json(resolved, parquet, capsys) == expected


def test_an_empty_truth_label_is_an_entity_of_its_own(
    resolved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given web/a and shop/9 without a person: they no longer belong to p1
    truth = tmp_path / "partial.csv"
    truth.write_text(
        TRUTH_CSV.replace("a,Marie,p1", "a,Marie,").replace("9,M.,p1", "9,M.,"), encoding="utf-8"
    )
    # Then they count as two more entities, and crm/001-web/a becomes a wrong pair
    document = _evaluate_json(resolved, truth, capsys)
    assert document["true_entities"] == 5
    assert (document["pairwise"]["true_positives"], document["pairwise"]["actual"]) == (1, 1)


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one line printed on stderr by a command that exits with code 2."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and captured.out == ""
    return lines[0]


def test_bad_input_is_one_line_on_stderr_and_exit_code_2(
    resolved: Path, truth: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def evaluate(out: Path, truth: Path, column: str = "person") -> list[str]:
        return ["evaluate", str(out), "--truth", str(truth), "--column", column]

    # A column that is not in the truth file
    assert "missing column(s) nobody" in _error(evaluate(resolved, truth, "nobody"), capsys)
    # A truth file that does not exist, and an output folder without xref.parquet
    missing = tmp_path / "missing.csv"
    assert _error(evaluate(resolved, missing), capsys) == f"cdp evaluate: {missing}: no such file"
    assert _error(evaluate(tmp_path, truth), capsys).endswith("xref.parquet: no such file")
    # A truth row that was not resolved
    extra = tmp_path / "extra.csv"
    extra.write_text(TRUTH_CSV + "crm,004,Luc,p4\n", encoding="utf-8")
    assert "1 row(s) have no row in" in _error(evaluate(resolved, extra), capsys)
    assert "source=crm, source_id=004" in _error(evaluate(resolved, extra), capsys)
    # A truth row repeated, so two records cannot be told apart
    repeated = tmp_path / "repeated.csv"
    repeated.write_text(TRUTH_CSV + "crm,003,Paul,p3\n", encoding="utf-8")
    assert "repeat the (source, source_id)" in _error(evaluate(resolved, repeated), capsys)
    # Unreadable files and an unknown extension
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not parquet at all")
    assert _error(evaluate(resolved, garbage), capsys).startswith(f"cdp evaluate: {garbage}: ")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("source,source_id,person\ncrm,001\n", encoding="utf-8")
    assert _error(evaluate(resolved, ragged), capsys).startswith(f"cdp evaluate: {ragged}: ")
    assert "expected a .csv" in _error(evaluate(resolved, tmp_path / "contacts.xlsx"), capsys)
