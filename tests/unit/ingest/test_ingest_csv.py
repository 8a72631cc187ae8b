"""CSV/TSV/pipe reading: encodings, delimiters, quoting, line numbers and per-record errors."""

from __future__ import annotations

import io

import pytest
from cdp.ingest import Batch, RawRow, ReadHints, RowError, TableReader, UnreadableFile, open_table


class NonSeekable:
    """Mimics botocore's StreamingBody: only read(n), possibly returning short reads."""

    def __init__(self, data: bytes, max_chunk: int = 7_919) -> None:
        self._buffer = io.BytesIO(data)
        self._max_chunk = max_chunk

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self._buffer.read()
        return self._buffer.read(min(size, self._max_chunk))


def read_all(data: bytes, name: str = "export.csv", hints: ReadHints | None = None, size: int = 50_000):
    reader = open_table(NonSeekable(data), name, hints)
    batches: list[Batch] = list(reader.batches(size))
    rows: list[RawRow] = [row for batch in batches for row in batch.rows]
    errors: list[RowError] = [error for batch in batches for error in batch.errors]
    return reader, rows, errors


# --- encodings ----------------------------------------------------------------------------------------


def test_utf8_comma_file_reads_values_line_numbers_and_raw_text() -> None:
    data = "email,first_name,city\nanne@example.fr,Anne,Montréal\nbob@example.com,Bob,\n".encode()
    reader, rows, errors = read_all(data)
    assert isinstance(reader, TableReader)
    assert (reader.format, reader.encoding, reader.delimiter, reader.compression) == (
        "csv",
        "utf-8",
        ",",
        None,
    )
    assert reader.columns == ["email", "first_name", "city"]
    assert errors == []
    assert rows == [
        RawRow(
            2,
            {"email": "anne@example.fr", "first_name": "Anne", "city": "Montréal"},
            "anne@example.fr,Anne,Montréal",
        ),
        RawRow(3, {"email": "bob@example.com", "first_name": "Bob", "city": None}, "bob@example.com,Bob,"),
    ]


def test_utf8_bom_is_stripped_from_the_first_header() -> None:
    data = "\ufeffNom;Prénom\nDurand;Zoé\n".encode()
    reader, rows, _ = read_all(data)
    assert reader.encoding == "utf-8-sig"
    assert reader.columns == ["Nom", "Prénom"]
    assert rows[0].values == {"Nom": "Durand", "Prénom": "Zoé"}


def test_utf8_bom_is_stripped_even_when_the_hint_says_utf8() -> None:
    data = "\ufeffid,name\n1,Zoé\n".encode()
    reader, rows, _ = read_all(data, hints=ReadHints(encoding="UTF8"))
    assert reader.encoding == "utf-8-sig"
    assert reader.columns == ["id", "name"]
    assert rows[0].values == {"id": "1", "name": "Zoé"}


def test_cp1252_semicolon_french_export_with_euro_and_decimal_commas() -> None:
    text = (
        "Civilité;Prénom;Nom;Société;Montant;Ville\r\n"
        "M.;Jérôme;Lefèvre;Crédit Agricole;1 234,50 €;Besançon\r\n"
        "Mme;Élodie;Noël;Maçonnerie Gaëlle & Fils;12,5;Orléans\r\n"
    )
    reader, rows, errors = read_all(text.encode("cp1252"))
    assert (reader.encoding, reader.delimiter) == ("cp1252", ";")
    assert reader.columns == ["Civilité", "Prénom", "Nom", "Société", "Montant", "Ville"]
    assert errors == []
    assert rows[0].values["Montant"] == "1 234,50 €"  # decimal comma left as text for the normalizers
    assert rows[1].values["Société"] == "Maçonnerie Gaëlle & Fils"
    assert rows[1].raw == "Mme;Élodie;Noël;Maçonnerie Gaëlle & Fils;12,5;Orléans"
    assert [row.line_no for row in rows] == [2, 3]


def test_latin1_file_is_decoded_correctly() -> None:
    text = "nom,ville,remarque\nMüller,Zürich,déjà vu «très» bien\nÇelik,Saint-Étienne,°±²\n"
    reader, rows, _ = read_all(text.encode("latin-1"))
    assert reader.encoding == "cp1252"  # cp1252 is a superset of latin-1's printable characters
    assert rows[0].values == {"nom": "Müller", "ville": "Zürich", "remarque": "déjà vu «très» bien"}
    assert rows[1].values == {"nom": "Çelik", "ville": "Saint-Étienne", "remarque": "°±²"}


def test_encoding_hint_is_authoritative() -> None:
    text = "nom\nJosé\n"
    reader, rows, _ = read_all(text.encode("latin-1"), hints=ReadHints(encoding="ISO-8859-1"))
    assert reader.encoding == "iso8859-1"
    assert rows[0].values == {"nom": "José"}


def test_cyrillic_cp1251_is_left_to_charset_normalizer() -> None:
    text = "Имя;Фамилия;Город\n" + "Иван;Петров;Москва\n" * 30
    reader, rows, _ = read_all(text.encode("cp1251"))
    assert reader.encoding == "cp1251"
    assert rows[0].values == {"Имя": "Иван", "Фамилия": "Петров", "Город": "Москва"}


def test_utf16_tab_separated_excel_unicode_text() -> None:
    text = "Nom\tVille\r\nDupré\tLyon\r\n"
    reader, rows, _ = read_all(text.encode("utf-16"), name="export.txt")
    assert (reader.encoding, reader.delimiter) == ("utf-16", "\t")
    assert rows == [RawRow(2, {"Nom": "Dupré", "Ville": "Lyon"}, "Dupré\tLyon")]


def test_stray_cp1252_byte_after_the_sample_is_read_as_cp1252() -> None:
    filler = "".join(f"{i},Zoé Dupré,ok\n" for i in range(5_000))  # > 64 KiB of valid UTF-8
    data = ("id,name,note\n" + filler).encode() + "99999,Société,late\n".encode("cp1252")
    reader, rows, errors = read_all(data)
    assert reader.encoding == "utf-8"
    assert errors == []
    assert rows[-1].values == {"id": "99999", "name": "Société", "note": "late"}
    assert rows[-1].line_no == 5_002
    assert reader.decode_fallbacks == 2  # type: ignore[attr-defined]  # the two "é" bytes


def test_mostly_utf8_sample_with_one_cp1252_byte_stays_utf8() -> None:
    data = "nom,ville\nZoé,Orléans\nRené,Besançon\n".encode() + "Noël,Sète\n".encode("cp1252")
    reader, rows, _ = read_all(data)
    assert reader.encoding == "utf-8"
    assert [row.values["nom"] for row in rows] == ["Zoé", "René", "Noël"]
    assert rows[2].values["ville"] == "Sète"


# --- delimiters -------------------------------------------------------------------------------------


def test_tsv_by_extension() -> None:
    reader, rows, _ = read_all(b"a\tb\n1,5\t2;3\n", name="data.tsv")
    assert reader.delimiter == "\t"
    assert rows[0].values == {"a": "1,5", "b": "2;3"}


def test_pipe_by_extension_and_by_sniffing() -> None:
    data = b"id|name|amount\n1|Smith, John|3,5\n2|Doe; Jane|4\n"
    for name in ("data.psv", "data.txt", "data.csv"):
        reader, rows, _ = read_all(data, name=name)
        assert reader.delimiter == "|"
        assert [row.values["name"] for row in rows] == ["Smith, John", "Doe; Jane"]


def test_tab_is_sniffed_in_a_txt_file() -> None:
    reader, rows, _ = read_all(b"id\tname\n1\tA, B\n2\tC\n", name="data.txt")
    assert reader.delimiter == "\t"
    assert rows[1].values == {"id": "2", "name": "C"}


def test_semicolon_wins_over_decimal_commas() -> None:
    data = b"produit;prix;quantite\nA;1,50;2\nB;2,75;1\nC;10,00;3\n"
    reader, rows, _ = read_all(data)
    assert reader.delimiter == ";"
    assert rows[0].values == {"produit": "A", "prix": "1,50", "quantite": "2"}


def test_delimiter_hint_overrides_sniffing() -> None:
    data = b"a;b\tc\n1;2\t3\n"
    reader, rows, _ = read_all(data, hints=ReadHints(delimiter="tab"))
    assert reader.delimiter == "\t"
    assert reader.columns == ["a;b", "c"]
    assert rows[0].values == {"a;b": "1;2", "c": "3"}


def test_invalid_delimiter_hint_is_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="invalid delimiter"):
        open_table(io.BytesIO(b"a,b\n"), "x.csv", ReadHints(delimiter=";;"))


# --- quoting and line numbers -----------------------------------------------------------------------


def test_quoted_delimiters_and_newlines_keep_record_start_line_and_original_text() -> None:
    data = (
        "id,name,address\r\n"
        '1,"Dupont, Jean","12 rue A\r\nBâtiment B\r\n75001 Paris"\r\n'
        '2,"Say ""hi""",simple\r\n'
        '3,"multi\nline\nname",x\r\n'
    ).encode()
    reader, rows, errors = read_all(data)
    assert errors == []
    assert [row.line_no for row in rows] == [2, 5, 6]
    assert rows[0].values == {
        "id": "1",
        "name": "Dupont, Jean",
        "address": "12 rue A\r\nBâtiment B\r\n75001 Paris",
    }
    assert rows[0].raw == '1,"Dupont, Jean","12 rue A\r\nBâtiment B\r\n75001 Paris"'
    assert rows[1].values["name"] == 'Say "hi"'
    assert rows[2].values["name"] == "multi\nline\nname"
    assert rows[2].raw == '3,"multi\nline\nname",x'


def test_old_mac_carriage_return_line_endings() -> None:
    reader, rows, _ = read_all(b"a,b\r1,2\r3,4\r")
    assert [(row.line_no, row.values) for row in rows] == [
        (2, {"a": "1", "b": "2"}),
        (3, {"a": "3", "b": "4"}),
    ]


def test_unterminated_quote_at_end_of_file_is_a_row_error_for_the_last_record() -> None:
    data = b'id,comment\n1,fine\n2,"never closed\nstill open\n'
    _, rows, errors = read_all(data)
    assert [row.values for row in rows] == [{"id": "1", "comment": "fine"}]
    assert errors == [RowError(3, '2,"never closed\nstill open', "unterminated quoted field at end of file")]


def test_stray_quote_after_a_quoted_field_is_read_like_excel() -> None:
    _, rows, errors = read_all(b'a,b\n"abc"def,2\n"x",3\n')
    assert errors == []
    assert [row.values for row in rows] == [{"a": "abcdef", "b": "2"}, {"a": "x", "b": "3"}]
    assert [row.line_no for row in rows] == [2, 3]


def test_wrong_field_counts_are_errors_with_original_text() -> None:
    data = b"a,b,c\n1,2,3\n1,2\n1,2,3,4,5\n7,8,9,\n4,5,6\n"
    _, rows, errors = read_all(data)
    assert errors == [
        RowError(3, "1,2", "expected 3 fields, found 2"),
        RowError(4, "1,2,3,4,5", "expected 3 fields, found 5"),
    ]
    # One trailing empty field (Excel export with a trailing delimiter) is tolerated.
    assert [(row.line_no, row.values) for row in rows] == [
        (2, {"a": "1", "b": "2", "c": "3"}),
        (5, {"a": "7", "b": "8", "c": "9"}),
        (6, {"a": "4", "b": "5", "c": "6"}),
    ]


def test_error_raw_text_is_truncated() -> None:
    long_line = "x," * 8_000
    _, _, errors = read_all(f"a,b\n{long_line}\n".encode())
    assert len(errors[0].raw) == 10_000
    assert errors[0].reason == "expected 2 fields, found 8001"


def test_blank_and_empty_field_lines_are_skipped_and_counted() -> None:
    data = b"a;b\n\n1;2\n;;\n   ;  \n3;4\n\n"
    reader, rows, errors = read_all(data)
    assert errors == []
    assert [(row.line_no, row.values) for row in rows] == [
        (3, {"a": "1", "b": "2"}),
        (6, {"a": "3", "b": "4"}),
    ]
    assert reader.blank_lines == 4


def test_whitespace_only_values_are_none_other_values_are_kept_raw() -> None:
    _, rows, _ = read_all(b"a,b,c\n  x ,   ,\n")
    assert rows[0].values == {"a": "  x ", "b": None, "c": None}


def test_header_only_file_has_columns_and_no_rows() -> None:
    reader, rows, errors = read_all(b"email;phone\r\n")
    assert reader.columns == ["email", "phone"]
    assert rows == [] and errors == []
    assert list(open_table(io.BytesIO(b"email;phone\r\n"), "x.csv").batches()) == []


def test_blank_lines_before_the_header_are_skipped() -> None:
    reader, rows, _ = read_all(b"\n\nid,name\n1,A\n")
    assert reader.columns == ["id", "name"]
    assert rows == [RawRow(4, {"id": "1", "name": "A"}, "1,A")]
    assert reader.blank_lines == 2


def test_header_false_names_columns_by_position() -> None:
    reader, rows, _ = read_all(b"1,Anne\n2,Bob\n", hints=ReadHints(header=False))
    assert reader.columns == ["column_1", "column_2"]
    assert [(row.line_no, row.values) for row in rows] == [
        (1, {"column_1": "1", "column_2": "Anne"}),
        (2, {"column_1": "2", "column_2": "Bob"}),
    ]


def test_two_hundred_columns() -> None:
    header = ",".join(f"col{i}" for i in range(200))
    lines = [",".join(f"r{r}c{i}" for i in range(200)) for r in range(3)]
    reader, rows, errors = read_all((header + "\n" + "\n".join(lines) + "\n").encode())
    assert len(reader.columns) == 200
    assert reader.columns[-1] == "col199"
    assert errors == []
    assert len(rows) == 3
    assert rows[2].values["col199"] == "r2c199"
    assert rows[0].values["col0"] == "r0c0"


def test_duplicate_and_empty_headers_are_renamed() -> None:
    data = b" email ,Email,email,,phone,email_2,\n1,2,3,4,5,6,7\n"
    reader, rows, _ = read_all(data)
    assert reader.columns == ["email", "Email", "email_3", "column_4", "phone", "email_2", "column_7"]
    assert rows[0].values["email_3"] == "3"
    assert rows[0].values["column_7"] == "7"


def test_malformed_header_is_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="unreadable header on line 1: unterminated quoted field"):
        open_table(io.BytesIO(b'"id,name\n1,2\n'), "x.csv")
