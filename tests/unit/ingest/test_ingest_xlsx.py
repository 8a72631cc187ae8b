"""Excel workbooks: several sheets, the sheet hint, typed cells, non-seekable and corrupt input."""

from __future__ import annotations

import datetime as dt
import gzip
import io

import openpyxl
import pytest
from cdp.ingest import RawRow, ReadHints, RowError, UnreadableFile, open_table


class NonSeekable:
    """Mimics botocore's StreamingBody: only read(n)."""

    def __init__(self, data: bytes) -> None:
        self._buffer = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._buffer.read(size)


def workbook_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    contacts = workbook.active
    contacts.title = "Contacts"
    contacts.append(["Nom", "Né le", "Code postal", "Montant", "Inscrit", "Nom"])
    contacts.append(["Dupré", dt.datetime(1980, 3, 12), 75001.0, 12.5, True, "bis"])
    contacts.append([])  # blank row inside the data
    contacts.append(["Martin", dt.datetime(2024, 1, 2, 10, 30), 69001, None, False, None])
    contacts.append(["Trop", None, None, None, None, None, "hors tableau"])
    workbook.create_sheet("Vide")
    accounts = workbook.create_sheet("Comptes")
    accounts["B3"] = "Société"  # table not starting at A1
    accounts["C3"] = "SIRET"
    accounts["B4"] = "ACME SAS"
    accounts["C4"] = "55212022200013"
    accounts["A5"] = "note left of the table"
    accounts["B6"] = "Beta SARL"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_all(data: bytes, name: str = "export.xlsx", hints: ReadHints | None = None):
    reader = open_table(NonSeekable(data), name, hints)
    batches = list(reader.batches())
    return reader, [r for b in batches for r in b.rows], [e for b in batches for e in b.errors]


def test_workbook_with_two_sheets_reads_every_non_empty_sheet() -> None:
    reader, rows, errors = read_all(workbook_bytes())
    assert (reader.format, reader.encoding, reader.delimiter, reader.compression) == (
        "xlsx",
        None,
        None,
        None,
    )
    assert reader.sheets == ["Contacts", "Comptes"]  # type: ignore[attr-defined]
    assert reader.columns == [
        "Nom",
        "Né le",
        "Code postal",
        "Montant",
        "Inscrit",
        "Nom_2",
        "Société",
        "SIRET",
    ]
    first = {
        "Nom": "Dupré",
        "Né le": "1980-03-12",
        "Code postal": "75001",
        "Montant": "12.5",
        "Inscrit": "true",
        "Nom_2": "bis",
    }
    assert rows[0] == RawRow(2, first, rows[0].raw, "Contacts")
    assert rows[0].raw.startswith('{"Nom": "Dupré", "Né le": "1980-03-12"')
    assert rows[1].line_no == 4
    assert rows[1].values["Né le"] == "2024-01-02T10:30:00"
    assert rows[1].values["Code postal"] == "69001"
    assert rows[1].values["Inscrit"] == "false"
    assert rows[1].values["Montant"] is None
    assert rows[2] == RawRow(4, {"Société": "ACME SAS", "SIRET": "55212022200013"}, rows[2].raw, "Comptes")
    assert rows[3] == RawRow(6, {"Société": "Beta SARL", "SIRET": None}, rows[3].raw, "Comptes")
    assert errors == [
        RowError(5, '["Trop", null, null, null, null, null, "hors tableau"]', "expected 6 fields, found 7"),
        RowError(5, '["note left of the table"]', "value left of the table's first column"),
    ]
    assert reader.blank_lines == 1


def test_sheet_hint_reads_only_that_sheet_case_insensitively() -> None:
    reader, rows, errors = read_all(workbook_bytes(), hints=ReadHints(sheet="comptes"))
    assert reader.columns == ["Société", "SIRET"]
    assert [(row.sheet, row.line_no, row.values["Société"]) for row in rows] == [
        ("Comptes", 4, "ACME SAS"),
        ("Comptes", 6, "Beta SARL"),
    ]
    assert [error.line_no for error in errors] == [5]


def test_missing_sheet_lists_available_sheets() -> None:
    with pytest.raises(
        UnreadableFile, match="sheet 'Clients' not found; available sheets: Contacts, Vide, Comptes"
    ):
        open_table(io.BytesIO(workbook_bytes()), "x.xlsx", ReadHints(sheet="Clients"))


def test_workbook_misnamed_as_csv_is_detected_by_its_zip_signature() -> None:
    reader, rows, _ = read_all(workbook_bytes(), name="export.csv")
    assert reader.format == "xlsx"
    assert rows[0].values["Nom"] == "Dupré"


def test_gzipped_workbook_is_spooled_and_read() -> None:
    reader, rows, _ = read_all(gzip.compress(workbook_bytes()), name="export.xlsx.gz")
    assert (reader.format, reader.compression) == ("xlsx", "gzip")
    assert len(rows) == 4


def test_seekable_stream_is_read_in_place_and_left_open() -> None:
    stream = io.BytesIO(b"junk" + workbook_bytes())
    stream.seek(4)  # the workbook starts at the current position
    reader = open_table(stream, "x.xlsx")
    assert sum(len(b.rows) for b in reader.batches()) == 4
    assert not stream.closed


def test_corrupt_workbook_is_unreadable() -> None:
    data = workbook_bytes()
    with pytest.raises(UnreadableFile, match="corrupt or invalid xlsx workbook"):
        open_table(NonSeekable(data[: len(data) // 2]), "x.xlsx")
    with pytest.raises(UnreadableFile, match="corrupt or invalid xlsx workbook"):
        open_table(NonSeekable(b"PK\x03\x04" + b"\x00garbage" * 50), "x.xlsx")


def test_text_named_xlsx_is_sniffed_and_binary_named_xlsx_is_refused() -> None:
    reader, rows, _ = read_all(b"a;b\n1;2\n", name="renamed.xlsx")
    assert (reader.format, reader.delimiter) == ("csv", ";")
    assert rows[0].values == {"a": "1", "b": "2"}
    with pytest.raises(UnreadableFile, match=r"not a valid xlsx file: no zip \(PK\) signature"):
        open_table(io.BytesIO(b"\x00\x01\x02" * 100), "renamed.xlsx")


def test_legacy_xls_is_refused_with_a_clear_reason() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(UnreadableFile, match=r"legacy Excel 97-2003 \(.xls\) workbook is not supported"):
        open_table(io.BytesIO(ole), "old.xls")


def test_header_false_uses_positional_columns() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["a", 1])
    workbook.active.append(["b", 2.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    reader, rows, _ = read_all(buffer.getvalue(), hints=ReadHints(header=False))
    assert reader.columns == ["column_1", "column_2"]
    assert [(r.line_no, r.values) for r in rows] == [
        (1, {"column_1": "a", "column_2": "1"}),
        (2, {"column_1": "b", "column_2": "2"}),
    ]
