"""Excel workbooks (.xlsx), read with openpyxl in read-only mode (rows are streamed from the sheet XML)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

from .base import BaseReader, RawRow, ReadHints, RowError, UnreadableFile, row_error
from .streams import Source
from .text import dedupe_columns, to_text


def describe(exc: BaseException) -> str:
    """A library exception as a short single line for :class:`UnreadableFile` messages."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


class _Sheet:
    """A non-empty worksheet: where its header is and its own column names."""

    def __init__(self, worksheet: Any, first_data_row: int, offset: int, columns: list[str]) -> None:
        self.worksheet = worksheet
        self.title: str = worksheet.title
        self.first_data_row = first_data_row
        self.offset = offset  # empty columns left of the table (a table drawn from B3 has offset 1)
        self.columns = columns


def _row_texts(row: tuple[Any, ...] | list[Any]) -> list[str | None]:
    """Cell values as text, trailing empty cells dropped (their count depends on formatting only)."""
    texts = [to_text(value, midnight_as_date=True) for value in row]
    while texts and texts[-1] is None:
        texts.pop()
    return texts


class XlsxReader(BaseReader):
    """Reads every worksheet (or only the hinted one) of a workbook.

    Decisions:
        * Cached values are read (``data_only=True``): a formula never computed by Excel reads as empty.
        * Per sheet, the first non-empty row is the header, and the table starts at its first non-empty
          cell (a table drawn from B3 gets no empty column for A; a value left of it is a
          :class:`RowError`); sheets without any value are skipped; each row's ``values`` holds its own
          sheet's columns, ``columns`` is the union in sheet order.
        * Rows shorter than the header are normal in Excel (empty trailing cells) and read as None; a row
          with values beyond the last header column is a :class:`RowError`.
        * Empty rows are skipped and counted in ``blank_lines``.
        * The workbook needs random access: a non-seekable or gzip-compressed stream is spooled first
          (see :meth:`Source.seekable_file`).

    Attributes:
        sheets: Titles of the sheets that will be read (non-empty, in workbook order).
    """

    format = "xlsx"

    def __init__(self, source: Source, hints: ReadHints) -> None:
        super().__init__(source.compression)
        self._source = source
        self._workbook: Any = None
        # Outside the try below: a transport error of the caller's stream is not a corrupt workbook.
        file = source.seekable_file()
        import openpyxl  # here, not at the top: a third of a second at start-up, needed only for workbooks

        try:
            with warnings.catch_warnings():
                # openpyxl warns about styles and extensions it ignores; irrelevant to reading values.
                warnings.simplefilter("ignore")
                self._workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
                self._sheets = [
                    sheet
                    for worksheet in self._select(hints.sheet)
                    if (sheet := self._header(worksheet, hints.header)) is not None
                ]
        except UnreadableFile:
            self.close()
            raise
        except Exception as exc:  # openpyxl/zipfile/XML parsers raise many types on corrupt input
            self.close()
            raise UnreadableFile(f"corrupt or invalid xlsx workbook: {describe(exc)}") from exc
        self.sheets = [sheet.title for sheet in self._sheets]
        for sheet in self._sheets:
            self.columns.extend(name for name in sheet.columns if name not in self.columns)

    def _select(self, wanted: str | None) -> list[Any]:
        workbook = self._workbook
        if wanted is None:
            return list(workbook.worksheets)  # worksheets only: chart sheets hold no table
        names: list[str] = workbook.sheetnames
        match = next((n for n in names if n == wanted), None) or next(
            (n for n in names if n.strip().casefold() == wanted.strip().casefold()), None
        )
        if match is None:
            raise UnreadableFile(f"sheet {wanted!r} not found; available sheets: {', '.join(names)}")
        worksheet = workbook[match]
        if not hasattr(worksheet, "iter_rows"):
            raise UnreadableFile(f"sheet {match!r} is a chart sheet, not a table")
        return [worksheet]

    @staticmethod
    def _header(worksheet: Any, header: bool) -> _Sheet | None:
        # Some writers store a wrong sheet dimension; without this read-only mode would trust it and cut.
        worksheet.reset_dimensions()
        for row_no, row in enumerate(worksheet.iter_rows(min_row=1, values_only=True), 1):
            texts = _row_texts(row)
            if not texts:
                continue
            offset = next(index for index, text in enumerate(texts) if text is not None)
            if header:
                return _Sheet(worksheet, row_no + 1, offset, dedupe_columns(texts[offset:]))
            width = len(texts) - offset
            return _Sheet(worksheet, row_no, offset, [f"column_{n}" for n in range(1, width + 1)])
        return None

    def _items(self) -> Iterator[RawRow | RowError]:
        try:
            for sheet in self._sheets:
                yield from self._sheet_items(sheet)
        except UnreadableFile:
            raise
        except Exception as exc:  # corrupt sheet XML found while streaming
            raise UnreadableFile(f"corrupt or invalid xlsx workbook: {describe(exc)}") from exc

    def _sheet_items(self, sheet: _Sheet) -> Iterator[RawRow | RowError]:
        columns = sheet.columns
        width = len(columns)
        offset = sheet.offset
        rows = sheet.worksheet.iter_rows(min_row=1, values_only=True)
        for row_no, row in enumerate(rows, 1):
            if row_no < sheet.first_data_row:
                continue
            texts = _row_texts(row)
            if not texts:
                self.blank_lines += 1
                continue
            if offset:
                if any(text is not None for text in texts[:offset]):
                    yield row_error(
                        row_no,
                        json.dumps(texts, ensure_ascii=False),
                        "value left of the table's first column",
                    )
                    continue
                texts = texts[offset:]
            if len(texts) > width:
                yield row_error(
                    row_no,
                    json.dumps(texts, ensure_ascii=False),
                    f"expected {width} fields, found {len(texts)}",
                )
                continue
            texts.extend([None] * (width - len(texts)))
            values = dict(zip(columns, texts, strict=True))
            yield RawRow(row_no, values, json.dumps(values, ensure_ascii=False), sheet.title)

    def close(self) -> None:
        """Close the workbook and release the spool; the caller's stream is left open."""
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        self._source.close()
