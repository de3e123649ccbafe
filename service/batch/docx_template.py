"""Many Word documents from one template: its package parsed and compressed once, each document's body anew.

python-docx's ``Document()`` parses the whole default package (styles.xml and stylesWithEffects.xml are
~800 KB of XML) and ``save`` serialises and compresses every part again: ~17 ms a document, nearly all of a
batch's feedback folder (one document a unit). ``DocumentMaker`` builds the template once; ``new`` gives a
document over a fresh copy of the template's empty body, and ``save`` writes the package with every other
part as python-docx wrote it for the template (compressed once, the same bytes) and only the body's part
serialised and compressed again. The parts a saved document holds are the parts ``doc.save`` would write,
in the same order, byte for byte (tests/test_batch_docx_template.py); only the zip's timestamps differ, as
they do between any two saves. A document may not add parts (pictures, links): ``save`` refuses it (and every later one: the package is
shared).
"""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from zipfile import ZipFile

from docx.document import Document as DocxDocument
from docx.oxml.document import CT_Document
from docx.parts.document import DocumentPart

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


@dataclass(frozen=True, slots=True)
class _Entry:
    """One part of the package as stored in the zip: deflated data, its CRC and sizes."""

    name: bytes
    data: bytes
    crc: int
    size: int

    @staticmethod
    def of(name: str, blob: bytes) -> _Entry:
        deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # as zipfile deflates
        return _Entry(name.encode("ascii"), deflate.compress(blob) + deflate.flush(), zlib.crc32(blob), len(blob))


class DocumentMaker:
    """Documents sharing one template (``make()``, e.g. summary_docx.new_document): see the module."""

    def __init__(self, make: Callable[[], DocxDocument]) -> None:
        template = make()
        self._part: DocumentPart = template.part
        self._blank: CT_Document = deepcopy(template.element)
        self._rels = dict(self._part.rels)  # rId → relationship: a picture or link adds one
        self._body = self._part.partname.membername
        buf = BytesIO()
        template.save(buf)
        with ZipFile(buf) as z:
            self._entries = [None if i.filename == self._body else _Entry.of(i.filename, z.read(i))
                             for i in z.infolist()]

    def new(self) -> DocxDocument:
        """An empty document of the template (the previous one's body is let go)."""
        element = deepcopy(self._blank)
        self._part._element = element
        return DocxDocument(element, self._part)

    def save(self, doc: DocxDocument, path: Path) -> None:
        """Write ``doc`` (the last one ``new`` gave) to ``path`` via a temporary file and rename."""
        if doc.part is not self._part or doc.element is not self._part.element:
            raise ValueError("DocumentMaker.save: not the document this maker gave last")
        if doc.part.rels != self._rels:
            raise ValueError("DocumentMaker.save: the document added parts (pictures, links); save it with python-docx")
        body = _Entry.of(self._body, doc.part.blob)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_bytes(_zip([body if e is None else e for e in self._entries], time.localtime()))
            tmp.replace(path)
        except BaseException:  # a full disk, Ctrl-C: no half-written temporary file left beside the documents
            tmp.unlink(missing_ok=True)
            raise


def _zip(entries: list[_Entry], when: time.struct_time) -> bytes:
    """A zip of deflated entries, laid out as zipfile writes one to a seekable file."""
    dostime = when.tm_hour << 11 | when.tm_min << 5 | when.tm_sec // 2
    dosdate = (when.tm_year - 1980) << 9 | when.tm_mon << 5 | when.tm_mday
    out = bytearray()
    central = bytearray()
    for e in entries:
        offset = len(out)
        out += _LOCAL.pack(b"PK\003\004", 20, 0, 0, 8, dostime, dosdate, e.crc, len(e.data), e.size, len(e.name), 0)
        out += e.name
        out += e.data
        central += _CENTRAL.pack(b"PK\001\002", 20, 3, 20, 0, 0, 8, dostime, dosdate, e.crc, len(e.data), e.size,
                                 len(e.name), 0, 0, 0, 0, 0o600 << 16, offset)
        central += e.name
    start = len(out)
    out += central
    out += _END.pack(b"PK\005\006", 0, 0, len(entries), len(entries), len(central), start, 0)
    return bytes(out)
