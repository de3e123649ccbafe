"""Cells read by OCR: each cell takes the confidence and position of the reading its printed text came from."""

from __future__ import annotations

from service.reading.document import SourceDocument
from service.tables.model import Tables


def attach_readings(doc: SourceDocument, tables: Tables) -> None:
    """Set ``confidence`` and ``at`` on every printed cell whose text OCR read (nothing when nothing was)."""
    if not doc.ocr:
        return
    for table in (tables.table2, tables.table3, tables.table4):
        for row in table.rows.values():
            for cell in row.cells:
                if cell.span is None:
                    continue
                reading = doc.ocr_at(*cell.span)
                if reading is not None:
                    cell.confidence = reading.confidence
                    cell.at = reading.where()
