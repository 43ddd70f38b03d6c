"""A streaming reader for the first sheet of an .xlsx workbook, with hard limits.

openpyxl (even read-only) builds a whole row before handing it over and loads every shared
text first, so one crafted row of millions of cells, or a small archive that unpacks to
gigabytes, takes a process's memory and minutes. This reader feeds the sheet's XML to
expat a chunk at a time and checks the limits (:mod:`core.importing.limits`) on every row
and cell, before it keeps anything:

1. The archive's directory: every part it reads must unpack to a bounded size and must not
   shrink suspiciously (a "zip bomb"). zipfile never returns more bytes than a part
   declares, so the declared sizes bound what is read.
2. The workbook's index names the first sheet, its shared texts and its styles (which say
   which numbers are dates).
3. The shared texts, then the sheet's rows, streamed; a document type declaration (the door
   to entity expansion) is refused.

Values come out as openpyxl gives them: text, int, float, bool, datetime, and a formula as
its text ("=SUM(A1)"), never a computed value.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree
from xml.parsers import expat

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from core.importing.limits import MEGABYTE, Budget, ReadLimits, TableError

CHUNK = 64 * 1024
INDEX_MAX_BYTES = 4 * MEGABYTE  # the workbook's index, relationships and styles
RATIO_CHECKED_FROM = MEGABYTE
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]*)")
_ROW_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?row[\s>]")
_CELL_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?c[\s>/]")


def _unreadable() -> TableError:
    return TableError(_("The file is not a readable Excel workbook (.xlsx)."))


def _local(name: str) -> str:
    """A tag's name without its namespace: "{uri}sheet" (ElementTree), "x:row" (expat)."""
    return name.rpartition("}")[2].rpartition(":")[2]


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as _xHHHH_ (a line break as _x000D_)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(_unescaped, text)


def _unescaped(match) -> str:
    code = int(match.group(1), 16)
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)  # a lone surrogate is no text


def _target_path(folder: str, target: str) -> str:
    """A relationship's target: absolute ("/xl/workbook.xml") or relative to ``folder``."""
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path)


# Nesting a real part needs (a sheet: worksheet/sheetData/row/c/is/r/t); deeper is an attack
# on the parser's memory (each open element costs it about 120 bytes).
MAX_DEPTH = 20
# Bytes of XML fed without a single event (a tag, text, a comment): one token this long is
# an attack on the parser's time (expat 2.5 scans an unfinished token again on every chunk).
MAX_TOKEN_BYTES = 1024 * 1024
_READ_ERRORS = (
    expat.ExpatError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,  # TableError and UnicodeError among them
    NotImplementedError,
    RuntimeError,
)


def _read(part, size: int) -> bytes:
    try:
        return part.read(size)
    except _READ_ERRORS as exc:
        if isinstance(exc, TableError):
            raise
        raise _unreadable() from None


class _Ignore:
    def start(self, name, attrs):
        pass

    def end(self, name):
        pass

    def text(self, data):
        pass


def _guarded_parse(part, handler, budget: Budget) -> Iterator[None]:
    """Feed ``part`` to expat in chunks, refusing a document type, nesting deeper than
    MAX_DEPTH and a token longer than MAX_TOKEN_BYTES, and keeping to the time limit."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    state = {"depth": 0, "at": 0}

    def seen(*args):
        state["at"] = parser.CurrentByteIndex

    def start(name, attrs):
        state["depth"] += 1
        state["at"] = parser.CurrentByteIndex
        if state["depth"] > MAX_DEPTH:
            raise _unreadable()
        handler.start(name, attrs)

    def end(name):
        state["depth"] -= 1
        state["at"] = parser.CurrentByteIndex
        handler.end(name)

    def text(data):
        state["at"] = parser.CurrentByteIndex
        handler.text(data)

    def refuse(*args):
        raise _unreadable()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.CommentHandler = seen
    parser.ProcessingInstructionHandler = seen
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    fed = 0
    while chunk := _read(part, CHUNK):
        parser.Parse(chunk, False)
        fed += len(chunk)
        if fed - state["at"] > MAX_TOKEN_BYTES:
            raise _unreadable()
        budget.clock()
        yield
    parser.Parse(b"", True)
    yield


class Workbook:
    """The parts of an .xlsx the import reads, checked against the limits."""

    def __init__(self, data: bytes, limits: ReadLimits):
        self.limits = limits
        self.budget = Budget(limits)
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError):
            raise _unreadable() from None
        self.parts = {info.filename.lstrip("/"): info for info in self.archive.infolist()}
        # The package's own relationships (_rels/.rels) name the workbook's index.
        workbook_path = self._relations("")[1].get("officeDocument") or "xl/workbook.xml"
        relations, kinds = self._relations(workbook_path)
        workbook = self._small_xml(workbook_path)
        sheets = [el for el in workbook.iter() if _local(el.tag) == "sheet"]
        if not sheets:
            raise TableError(_("The first sheet is empty."))
        sheet_id = next(
            (value for key, value in sheets[0].attrib.items() if _local(key) == "id"), None
        )
        self.sheet_path = relations.get(sheet_id)
        if not self.sheet_path or self.sheet_path not in self.parts:
            raise _unreadable()
        self.epoch = CALENDAR_WINDOWS_1900
        for element in workbook.iter():
            if _local(element.tag) == "workbookPr" and element.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
        self.strings_path = kinds.get("sharedStrings")
        self.styles_path = kinds.get("styles")
        self.row_tags: int | None = None  # counted by rows() before it reads them
        self._sizes_check()

    # -- the archive -----------------------------------------------------------------------

    def _sizes_check(self) -> None:
        """Refuse, before unpacking anything big, a workbook whose parts unpack too far."""
        total = 0
        for path in (self.sheet_path, self.strings_path, self.styles_path):
            info = self.parts.get(path) if path else None
            if info is None:
                continue
            total += info.file_size
            shrunk = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_CHECKED_FROM and shrunk > self.limits.compression_ratio:
                raise TableError(
                    _(
                        "The workbook unpacks to %(ratio)s times its size, far more than a real "
                        "spreadsheet; it cannot be imported. Save it again from Excel."
                    )
                    % {"ratio": int(shrunk)}
                )
        if total > self.limits.xml_bytes:
            raise TableError(
                _("The workbook unpacks to more than %(max)s MB; split it into smaller files.")
                % {"max": self.limits.xml_bytes // MEGABYTE}
            )

    def _open(self, path: str):
        try:
            return self.archive.open(self.parts[path])
        except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
            raise _unreadable() from None

    def _small_xml(self, path: str) -> ElementTree.Element:
        """A small part (the index, relationships, styles) as a tree, once the guarded
        parser has checked its nesting and its tokens (no entity, no document type)."""
        info = self.parts.get(path)
        if info is None or info.file_size > INDEX_MAX_BYTES:
            raise _unreadable()
        try:
            with self._open(path) as part:
                data = part.read(INDEX_MAX_BYTES + 1)
            for _chunk in _guarded_parse(io.BytesIO(data), _Ignore(), self.budget):
                pass
            return ElementTree.fromstring(data)
        except _READ_ERRORS + (ElementTree.ParseError,) as exc:
            if isinstance(exc, TableError):
                raise
            raise _unreadable() from None

    def _relations(self, part: str) -> tuple[dict[str, str], dict[str, str]]:
        """A part's relationships: id → target path, and kind → target path."""
        folder, name = posixpath.split(part)
        rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels_path not in self.parts:
            return {}, {}
        relations, kinds = {}, {}
        for element in self._small_xml(rels_path).iter():
            if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
                continue
            path = _target_path(folder, element.get("Target", ""))
            relations[element.get("Id")] = path
            kinds.setdefault(element.get("Type", "").rpartition("/")[2], path)
        return relations, kinds

    def _stream(self, path: str, handler) -> Iterator[None]:
        """Feed a part to expat a chunk at a time, guarded; yield after each chunk."""
        try:
            with self._open(path) as part:
                yield from _guarded_parse(part, handler, self.budget)
        except _READ_ERRORS as exc:
            if isinstance(exc, TableError):
                raise
            raise _unreadable() from None

    # -- what the import reads -------------------------------------------------------------

    def date_styles(self) -> set[int]:
        """The cell styles (by index) whose number format shows a date or a time."""
        if not self.styles_path or self.styles_path not in self.parts:
            return set()
        if self.parts[self.styles_path].file_size > INDEX_MAX_BYTES:  # say which part
            raise TableError(_("The workbook's styles are too large to read; save it again."))
        root = self._small_xml(self.styles_path)
        formats = dict(BUILTIN_FORMATS)
        for element in root.iter():
            if _local(element.tag) == "numFmt":
                try:
                    formats[int(element.get("numFmtId", ""))] = element.get("formatCode", "")
                except ValueError:
                    continue
        dates = set()
        for parent in root.iter():
            if _local(parent.tag) != "cellXfs":
                continue
            for index, xf in enumerate(el for el in parent if _local(el.tag) == "xf"):
                try:
                    fmt = formats.get(int(xf.get("numFmtId", "0")))
                except ValueError:
                    continue
                if fmt and is_date_format(fmt):
                    dates.add(index)
        return dates

    def shared_strings(self) -> list[str]:
        if not self.strings_path or self.strings_path not in self.parts:
            return []
        handler = _StringsHandler(self.budget)
        for _chunk in self._stream(self.strings_path, handler):
            self.budget.clock()
        return handler.strings

    def tags(self, max_bytes: int | None = None) -> tuple[int, int] | None:
        """How many <row> and <c> tags the first sheet has, counted in its bytes without
        parsing them (about 10 times faster than reading them); None past ``max_bytes``."""
        rows = cells = read = 0
        tail = b""
        with self._open(self.sheet_path) as sheet:
            while chunk := _read(sheet, 1024 * 1024):
                window = tail + chunk
                rows += len(_ROW_TAG.findall(window)) - len(_ROW_TAG.findall(tail))
                cells += len(_CELL_TAG.findall(window)) - len(_CELL_TAG.findall(tail))
                tail = window[-256:]
                read += len(chunk)
                if max_bytes is not None and read > max_bytes:
                    return None
                self.budget.clock()
        return rows, cells

    def _tags_check(self) -> None:
        """Refuse a sheet with too many rows or cells before reading any of them; keep the
        count of rows (``row_tags``) for whoever shows progress."""
        rows, cells = self.tags()
        self.row_tags = rows
        self.budget.row_count(rows - 1)  # the header row is not a data row
        if cells > self.limits.cells:
            self.budget.cells_read(cells)

    def rows(self) -> Iterator[tuple[int, list]]:
        """(spreadsheet row number, cells) of every row with something in it."""
        self._tags_check()
        handler = _SheetHandler(self.shared_strings(), self.date_styles(), self.epoch, self.budget)
        for _chunk in self._stream(self.sheet_path, handler):
            yield from handler.drain()


class _StringsHandler:
    """Collects the shared texts: <si> holds <t>, or rich-text runs <r><t>; <rPh> (phonetic
    guides) is not part of the text."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self.strings: list[str] = []
        self.parts: list[str] | None = None
        self.length = 0
        self.total = 0
        self.in_text = False
        self.in_phonetic = False

    def start(self, name, attrs):
        name = _local(name)
        if name == "si":
            self.parts, self.length = [], 0
        elif name == "t" and not self.in_phonetic:
            self.in_text = True
        elif name == "rPh":
            self.in_phonetic = True

    def end(self, name, attrs=None):
        name = _local(name)
        if name == "si" and self.parts is not None:
            if len(self.strings) >= self.budget.limits.shared_strings:
                raise TableError(
                    _("The workbook lists more than %(max)s texts; split it into smaller files.")
                    % {"max": self.budget.limits.shared_strings}
                )
            self.strings.append(_unescape("".join(self.parts)))
            self.parts = None
            self.total += self.length
            if self.total > self.budget.limits.shared_chars:
                raise TableError(
                    _(
                        "The workbook's texts hold more than %(max)s characters; split it into "
                        "smaller files."
                    )
                    % {"max": intcomma(self.budget.limits.shared_chars)}
                )
        elif name == "t":
            self.in_text = False
        elif name == "rPh":
            self.in_phonetic = False

    def text(self, data):
        if self.in_text and self.parts is not None:
            self.length += len(data)
            self.budget.cell_length(self.length, _("text %(n)s") % {"n": len(self.strings) + 1})
            self.parts.append(data)


class _SheetHandler:
    """Builds rows from <row><c r="B2" t="s" s="3"><v>0</v></c></row>, checking each row's
    width, each cell's length and the cells read so far as it goes."""

    def __init__(self, strings, date_styles, epoch, budget: Budget):
        self.strings = strings
        self.date_styles = date_styles
        self.epoch = epoch
        self.budget = budget
        self.done: list[tuple[int, list]] = []
        self.row_number = 0
        self.rows_read = 0
        self.row: dict[int, object] | None = None
        self.row_cells = 0
        self.column = 0
        self.cell_type = "n"
        self.cell_style = None
        self.value_parts: list[str] | None = None
        self.formula_parts: list[str] | None = None
        self.inline_parts: list[str] | None = None
        self.collecting: list[str] | None = None
        self.length = 0
        self.in_phonetic = False
        self.formula_shared: str | None = None
        self.shared_formulas: dict[str, tuple[str, str]] = {}

    def drain(self) -> list[tuple[int, list]]:
        done, self.done = self.done, []
        return done

    def _where(self) -> str:
        return f"{_column_letters(self.column)}{self.row_number}"

    def start(self, name, attrs):
        name = _local(name)
        if name == "c":
            self._cell_start(attrs)
        elif name == "row":
            self.rows_read += 1
            self.budget.row_count(self.rows_read - 1)  # the header row is not a data row
            self.budget.clock()
            try:
                self.row_number = int(attrs.get("r", ""))
            except ValueError:
                self.row_number += 1
            self.row, self.row_cells, self.column = {}, 0, 0
        elif self.row is None:
            return
        elif name == "v":
            self.collecting = self.value_parts = []
        elif name == "f":
            self.collecting = self.formula_parts = []
            self.formula_shared = attrs.get("si") if attrs.get("t") == "shared" else None
        elif name == "is":
            self.inline_parts = []
        elif name == "t" and self.inline_parts is not None and not self.in_phonetic:
            self.collecting = self.inline_parts
        elif name == "rPh":
            self.in_phonetic = True

    def _cell_start(self, attrs):
        if self.row is None:
            return
        self.budget.cells_read()
        self.row_cells += 1
        reference = _CELL_REF.match(attrs.get("r", ""))
        self.column = _column_index(reference.group(1)) if reference else self.column + 1
        # Both: a row of many cells all at "A1" is as wide, for memory, as one to column ZZ.
        self.budget.row_width(max(self.row_cells, self.column), self.row_number)
        self.cell_type = attrs.get("t", "n")
        try:
            self.cell_style = int(attrs.get("s", ""))
        except ValueError:
            self.cell_style = None
        self.value_parts = self.formula_parts = self.inline_parts = None
        self.formula_shared = None
        self.length = 0

    def end(self, name):
        name = _local(name)
        if name in ("v", "f", "t"):
            self.collecting = None
        elif name == "rPh":
            self.in_phonetic = False
        elif name == "c" and self.row is not None:
            value = self._value()
            if value is not None and value != "":
                self.row[self.column] = value
        elif name == "row" and self.row is not None:
            if self.row:
                cells = [None] * max(self.row)
                for column, value in self.row.items():
                    cells[column - 1] = value
                self.done.append((self.row_number, cells))
            self.row = None

    def text(self, data):
        if self.collecting is not None:
            self.length += len(data)
            self.budget.cell_length(self.length, self._where())
            self.collecting.append(data)

    def _formula(self, formula: str) -> str:
        """A formula's text. Excel writes a formula filled down or across once, on its
        first cell (si="0" with the text), and the others as references to it: those are
        given the first one's text moved to their own cell, as openpyxl does."""
        shared = self.formula_shared
        if shared is None:
            return formula
        if formula != "=":
            self.shared_formulas[shared] = (formula, self._where())
            return formula
        if shared not in self.shared_formulas:
            return formula
        first, origin = self.shared_formulas[shared]
        try:
            return Translator(first, origin=origin).translate_formula(self._where())
        except Exception:  # a formula openpyxl cannot move: its first cell's text
            return first

    def _value(self):
        if self.formula_parts is not None:
            return self._formula("=" + "".join(self.formula_parts))
        kind = self.cell_type
        if kind == "inlineStr":
            return _unescape("".join(self.inline_parts or []))
        if self.value_parts is None:
            return None
        raw = "".join(self.value_parts)
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                raise _unreadable() from None
        if kind in ("str", "e"):
            return _unescape(raw)
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        try:
            number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        except ValueError:
            return raw
        if self.cell_style in self.date_styles:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError, TypeError):
                return number
        return number
