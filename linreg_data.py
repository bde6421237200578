"""Reading CSV files as real tools export them, checking every value.

``linreg_core`` re-exports :data:`DATA_DIR`, :func:`load_xy` and
:func:`load_columns`, so notebooks write ``lc.load_xy("classic.csv")``: a bare file name that is
not in the working directory is looked up in :data:`DATA_DIR`.
Files are read with Python's ``csv`` module, row by row, so a value can never land
in another column: a row with too many or too few fields is an error that names
its line. Rows stream into arrays, one column at a time, so a large file needs
little more memory than the numbers asked for.

What real exports hold, and what happens to it:

- UTF-8 with or without a byte-order mark, UTF-16, Windows-1252 (or a UTF-8 file
  with a few stray Windows-1252 bytes); line endings of Windows, Linux or old Macs (CR).
- ``.gz``, ``.bz2``, ``.xz`` and one-file ``.zip`` archives, found by their content;
  a spreadsheet (``.xlsx``, ``.xls``, ``.ods``) or a web address is refused, with what to do.
- Blank lines (also before the header) and unnamed empty columns on the right are skipped.
- Decimal commas and thousands marks are read only when ``decimal=`` and ``thousands=``
  say so. A value that could mean two numbers (``1,234`` or, unless ``decimal`` is
  given, a column of values like ``3.750``) is an error whose hint names the setting.
"""

import bz2
import codecs
import contextlib
import csv
import gzip
import io
import lzma
import math
import os
import re
import zipfile
import zlib
from array import array
from pathlib import Path

import numpy as np

from linreg_validation import DataError

#: Folder holding the CSV files shipped with the collection.
DATA_DIR = Path(__file__).resolve().parent / "data"

MISSING = ("", "NA", "NaN", "nan", "N/A", "#N/A", "null")

#: Files larger than this on disk are refused before reading (1 GB).
MAX_FILE_BYTES = 10**9
#: Reading stops with a DataError after this many data rows (80 MB per column as floats).
MAX_ROWS = 10_000_000

THOUSANDS_MARKS = (",", ".", " ", "'")
SPACES = " \u00a0\u202f"  # a space, and the no-break spaces spreadsheets put between thousands


def _stray_bytes_as_cp1252(error):
    """Decode a byte that is not valid UTF-8 as Windows-1252 (a stray byte from Excel)."""
    bad = error.object[error.start : error.start + 1]
    return bad.decode("cp1252", errors="replace"), error.start + 1


codecs.register_error("linreg-cp1252", _stray_bytes_as_cp1252)


# --------------------------------------------------------------------------
# Opening the file: local path, archive, encoding
# --------------------------------------------------------------------------


def _local_file(path):
    """``path`` as an existing local file, or an error that says what to do instead."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a file name or a pathlib.Path, e.g. DATA_DIR / 'classic.csv', "
            f"got {type(path).__name__} {path!r:.60}."
        )
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]+:/", text):  # https://… (a Path turns // into /)
        raise ValueError(
            f"{text!r:.100} is a web address, but load_xy reads a file on this computer. "
            f"Download it first, e.g. urllib.request.urlretrieve(url, 'data.csv') "
            f"(in Colab also: !wget -O data.csv 'url'), then load_xy('data.csv')."
        )
    path = Path(text)
    if not path.is_file() and path.name == text and (DATA_DIR / text).is_file():
        path = DATA_DIR / text  # a bare name of a shipped file: "classic.csv"
    if not path.is_file():
        shipped = ", ".join(sorted(p.name for p in DATA_DIR.glob("*.csv")))
        raise FileNotFoundError(
            f"No data file at '{path}' (absolute: {path.resolve()}). "
            f"Check the path; the collection ships {shipped} in "
            f"lc.DATA_DIR, and load_xy finds them by name, e.g. load_xy('classic.csv')."
        )
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError(
            f"{path.name} is {size / 1e9:.1f} GB, more than the {MAX_FILE_BYTES / 1e9:g} GB these "
            f"notebooks read. Keep a sample, e.g. every 100th row with pandas: "
            f"pd.read_csv(path, usecols=[...], skiprows=lambda i: i % 100 != 0).to_csv('sample.csv', "
            f"index=False), then load the sample."
        )
    return path


def _spreadsheet(names):
    """The kind of spreadsheet a zip archive holds, or None if it is not one."""
    if "xl/workbook.xml" in names:
        return "an Excel workbook (.xlsx)"
    if "content.xml" in names:
        return "a LibreOffice or OpenOffice spreadsheet (.ods)"
    if any(name.startswith("Index/") for name in names):
        return "a Numbers spreadsheet"
    return None


def _open_bytes(path, stack):
    """A binary stream of the file's text: archives are opened, spreadsheets refused."""
    with path.open("rb") as probe:
        magic = probe.read(8)
    save_as = "Open it in the spreadsheet program and save it as 'CSV UTF-8 (comma delimited)'."
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(f"{path.name} is an Excel 97-2003 workbook (.xls), not a CSV file. {save_as}")
    if magic.startswith(b"\x1f\x8b"):
        return stack.enter_context(gzip.open(path))
    if magic.startswith(b"BZh"):
        return stack.enter_context(bz2.open(path))
    if magic.startswith(b"\xfd7zXZ\x00"):
        return stack.enter_context(lzma.open(path))
    if magic.startswith(b"PK\x03\x04"):
        archive = stack.enter_context(zipfile.ZipFile(path))
        names = archive.namelist()
        kind = _spreadsheet(names)
        if kind:
            raise DataError(f"{path.name} is {kind}, not a CSV file. {save_as}")
        files = [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX/")]
        if len(files) != 1:
            raise DataError(
                f"{path.name} is a zip archive of {len(files)} files ({', '.join(files)[:200]}): "
                f"unzip it and load the CSV file you want from the folder."
            )
        return stack.enter_context(archive.open(files[0]))
    return stack.enter_context(path.open("rb"))


def _open_text(path, stack):
    """The file as a text stream (any line ending) and the name of its encoding.

    UTF-16 (with its byte-order mark), else UTF-8 (with or without a mark, as Excel
    writes it), where a byte that is not UTF-8 is read as Windows-1252, the encoding
    of a CSV file saved by Excel on Windows ("ANSI" or "Latin-1" in many menus).
    """
    binary = _open_bytes(path, stack)
    buffered = io.BufferedReader(binary, buffer_size=65536)
    head = buffered.peek(65536)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding, errors, label = "utf-16", "replace", "UTF-16"
    else:
        if b"\x00" in head:
            raise DataError(
                f"{path.name} holds NUL bytes, so it is not CSV text as spreadsheets save it (a "
                f"database file, or UTF-16 text without its byte-order mark?). Open it in the "
                f"program that made it and save it as CSV UTF-8."
            )
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is fine
            label = "UTF-8"
        except UnicodeDecodeError:
            bom = head.startswith(codecs.BOM_UTF8)
            label = "UTF-8, with stray Windows-1252 bytes" if bom else "Windows-1252"
        encoding, errors = "utf-8-sig", "linreg-cp1252"
    text = io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline="")
    return stack.enter_context(text), label


# --------------------------------------------------------------------------
# Records: rows of fields, with the lines they came from
# --------------------------------------------------------------------------


def _records(stream, sep, name):
    """``(first line, last line, row)`` for each non-blank record (a quoted value may
    span lines); quoting problems become a DataError."""
    reader = csv.reader(stream, delimiter=sep, strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DataError(_quote_problem(error, line, reader.line_num, name)) from None
        if "".join(row).strip():  # not a blank line
            yield line, reader.line_num, row
        line = reader.line_num + 1


def _quote_problem(error, first, last, name):
    """The message for a quoting error of the csv module, with the lines involved."""
    text = str(error)
    if "end of data" in text or "field limit" in text:
        return (
            f'The quote mark (") opened on line {first} of {name} is never closed, so the rest of '
            f"the file (up to line {last}) would be one value. Remove that stray quote mark, or "
            f"close it."
        )
    if "expected after" in text:
        return (
            f'Line {first} of {name} has text right after a closing quote mark, e.g. "2"3: '
            f"a quoted value must end at a separator. Fix the quotes on that line."
        )
    return f"Line {last} of {name} cannot be read as CSV ({text}). Fix or remove that line."


def _run_on_rows(row, sep, width, numbers):
    """Whether a value spanning lines is a number, or holds whole rows: a stray quote."""
    for k, field in enumerate(row):
        if "\n" in field or "\r" in field:
            if k in numbers or any(part.count(sep) >= width - 1 for part in field.splitlines()):
                return True
    return False


# --------------------------------------------------------------------------
# Numbers: decimal marks and thousands marks
# --------------------------------------------------------------------------


def _grouped(text, mark, decimal):
    """Whether ``text`` is a number with ``mark`` between groups of three digits."""
    marks = f"[{re.escape(SPACES)}]" if mark == " " else re.escape(mark)
    pattern = rf"[+-]?\d{{1,3}}(?:{marks}\d{{3}})+(?:{re.escape(decimal)}\d*)?"
    return re.fullmatch(pattern, text) is not None


def _to_float(text, decimal, thousands):
    """``text`` as a float, or None if it is not a number written with these marks."""
    if thousands is not None and (thousands in text or (thousands == " " and any(s in text for s in SPACES))):
        if not _grouped(text, thousands, decimal or "."):
            return None
        for mark in SPACES if thousands == " " else thousands:
            text = text.replace(mark, "")
    if decimal == ",":
        if "." in text:
            return None
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _number_reader(decimal, thousands):
    """A function: text -> float, raising ValueError for text that is not a number so written."""
    if decimal != "," and thousands is None:
        return float  # the usual case, and the fast one

    def read(text):
        value = _to_float(text, decimal, thousands)
        if value is None:
            raise ValueError(text)
        return value

    return read


def _marks_hint(text, decimal, thousands):
    """How to read ``text`` if it is a number written with other marks, else None."""
    comma_decimal = re.fullmatch(r"[+-]?\d+,\d+", text) is not None
    comma_thousands = _grouped(text, ",", ".")
    point_thousands = _grouped(text, ".", ",")
    if decimal != "," and thousands != ",":
        if comma_thousands and comma_decimal:
            return (
                f"The comma makes it ambiguous: if it separates thousands ({text} = "
                f"{text.replace(',', '')}), pass thousands=','; if it is a decimal comma "
                f"({text} = {text.replace(',', '.')}), pass decimal=','."
            )
        if comma_thousands:
            return "It looks like a comma between thousands: pass thousands=','."
        if comma_decimal:
            return "It looks like a decimal comma: pass decimal=',' (or write 1.5 for one and a half)."
        if point_thousands:
            return (
                "It looks like points between thousands, as in German or French exports: pass "
                "decimal=',' and thousands='.'."
            )
    if decimal == "," and thousands != "." and "." in text:
        if point_thousands:
            return (
                f"The decimal mark is a comma here (decimal=','): if the point separates thousands "
                f"({text} = {text.replace('.', '').replace(',', '.')}), pass thousands='.' as well."
            )
        return "The decimal mark is a comma here (decimal=','), but this value has a point: fix the value."
    for mark, marks in ((" ", "spaces"), ("'", "apostrophes")):
        if thousands != mark and _grouped(text, mark, decimal or "."):
            return f"It looks like {marks} between thousands: pass thousands={mark!r}."
    if thousands is not None and thousands in text:
        return f"The thousands mark {thousands!r} must stand between groups of three digits: fix the value."
    return None


class _Column:
    """One column being read: its position, its numbers so far, and what its points could mean."""

    def __init__(self, name, index):
        self.name, self.index = name, index
        self.values = array("d")
        self.point_example = None  # (text, line) of a value like 3.750
        self.plain_point = False  # a value like 3.75 or 0.125: the points are decimal points

    def watch_point(self, text, line):
        """Record a value with a point, read without an explicit decimal mark."""
        if _grouped(text, ".", ","):
            self.point_example = self.point_example or (text, line)
        else:
            self.plain_point = True


def _number_error(text, column, name, line, decimal, thousands):
    if text in MISSING:
        problem, fix = f"a missing value ({text!r})", "Remove that row or fill in the value."
    elif _marks_hint(text, decimal, thousands):
        problem = f"a number it cannot read with the settings given: {text!r}"
        fix = _marks_hint(text, decimal, thousands)
    else:
        problem, fix = (
            f"a value that is not a finite number: {text!r}",
            "Correct the value or remove that row.",
        )
        if text.endswith("%"):
            fix = "It is a percentage: save the column as plain numbers (format the cells as Number)."
    return DataError(f"Column {column!r} of {name} has {problem} on line {line} of the file. {fix}")


def _ambiguous_points(column, name):
    text, line = column.point_example
    plain, grouped = float(text), text.replace(".", "")
    return DataError(
        f"Column {column.name!r} of {name} holds numbers like {text!r} (line {line}), where the "
        f"point could be a decimal point ({plain:g}) or separate thousands ({grouped}, as in German "
        f"or French exports). Say which: pass decimal='.' for decimal points, or decimal=',', "
        f"thousands='.' for thousands."
    )


# --------------------------------------------------------------------------
# The loaders
# --------------------------------------------------------------------------


def _check_marks(sep, decimal, thousands):
    if not isinstance(sep, str) or len(sep) != 1:
        raise TypeError(f"sep must be one character, e.g. sep=';', got {sep!r:.40}.")
    if decimal not in (None, ".", ","):
        raise TypeError(f"decimal must be '.' or ',' (the decimal mark), got {decimal!r:.40}.")
    if thousands not in (None, *THOUSANDS_MARKS):
        raise TypeError(
            f"thousands must be None or one of {', '.join(map(repr, THOUSANDS_MARKS))} (the mark "
            f"between groups of three digits, as in 1,234,567), got {thousands!r:.40}."
        )
    if thousands is not None and thousands == (decimal or "."):
        raise ValueError(
            f"thousands={thousands!r} is also the decimal mark: pass decimal=',' with thousands='.', "
            f"or decimal='.' with thousands=','."
        )


def load_columns(path, columns, sep=",", decimal=None, thousands=None):
    """Read numeric columns from a CSV file, checking every value.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file, with a header row (blank lines before it are skipped); it may be
        compressed (.gz, .bz2, .xz, or a .zip holding one file). Shipped files live in
        ``DATA_DIR``.
    columns : sequence of str
        Column names to read (spaces around header names are ignored).
    sep : str, optional
        The field separator, e.g. ``";"`` for files saved with a decimal comma.
    decimal : {None, ".", ","}, optional
        The decimal mark. None (the default) reads decimal points, but refuses a column
        whose values all look like ``3.750``, where the point may separate thousands.
    thousands : {None, ",", ".", " ", "'"}, optional
        The mark between groups of three digits (1,234,567), if the file has one.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_rows, len(columns))``, dtype float.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataError
        If a column is missing or named twice, a row has the wrong number of
        fields, a quote is never closed, or a value is missing, not a finite number,
        or a number that could be read two ways; also for a spreadsheet that is not
        a CSV file, a file above :data:`MAX_FILE_BYTES` or more than :data:`MAX_ROWS`
        rows, or one the kernel has no memory left for. The message names the line of the
        file and how to fix it.
    """
    if not isinstance(columns, (list, tuple)) or not all(isinstance(c, str) for c in columns):
        raise TypeError(f"columns must be a list of column names, e.g. ['x', 'y'], got {columns!r:.60}.")
    if not columns:
        raise ValueError("columns is empty: name the columns to read, e.g. ['x', 'y'].")
    _check_marks(sep, decimal, thousands)
    path = _local_file(path)
    name = path.name
    try:
        return _read_columns(path, columns, sep, decimal, thousands)
    except (EOFError, OSError, zlib.error, lzma.LZMAError, zipfile.BadZipFile) as error:
        if isinstance(error, OSError) and error.errno is not None:
            raise  # the file system's own error (no permission, ...), not a damaged archive
        problem = f"{type(error).__name__}: {error}"
    raise DataError(
        f"{name} could not be read to the end ({problem}): a compressed file that is damaged "
        f"or was not downloaded completely? Download or copy it again."
    )


def _read_columns(path, columns, sep, decimal, thousands):
    """:func:`load_columns` once its arguments are checked."""
    name = path.name
    with contextlib.ExitStack() as stack:
        stream, encoding = _open_text(path, stack)
        records = _records(stream, sep, name)
        header_line, _, header = next(records, (None, None, []))
        header = [field.strip() for field in header]
        if header:
            header[0] = header[0].removeprefix("\ufeff")
        if not any(header):
            raise DataError(f"{name} is empty: it needs a header row and data rows.")
        read = _header_columns(header, columns, name, encoding, sep)
        try:
            count = _read_rows(records, header, read, name, sep, decimal, thousands)
            values = np.column_stack([np.frombuffer(column.values, dtype=float) for column in read])
        except MemoryError:
            values = None  # explained below, outside the handler, so what was read is freed
    if values is None:
        read = None
        raise DataError(
            f"{name} is too large for the memory left in this kernel. Read fewer columns, or "
            f"keep a sample, e.g. every 10th row with pandas: pd.read_csv(path, usecols=[...], "
            f"skiprows=lambda i: i % 10 != 0).to_csv('sample.csv', index=False)."
        )
    if count == 0:
        raise DataError(f"{name} has a header (line {header_line}) but no data rows.")
    return values


def _read_rows(records, header, read, name, sep, decimal, thousands):
    """Append each row's numbers to the columns in ``read``; the number of data rows."""
    width = len(header)
    number = _number_reader(decimal, thousands)
    watch_points = decimal is None and thousands != ","  # is 3.750 three or 3750?
    count = 0
    for line, last, row in records:
        if len(row) != width:
            row = _fit_row(row, header, width)
        if len(row) != width:
            raise DataError(
                f"Line {line} of {name} has {len(row)} fields but the header has {width}: "
                f"{sep.join(row)!r:.200}. Every row needs one value per column; fix or remove "
                f"that line." + _separator_hint(header, sep)
            )
        if last > line and _run_on_rows(row, sep, width, [column.index for column in read]):
            raise DataError(
                f'A quote mark (") on line {line} of {name} is not closed until a later line, so '
                f"values (or whole rows) ran together. Remove that stray quote mark, or close it."
            )
        count += 1
        if count > MAX_ROWS:
            raise DataError(
                f"{name} has more than {MAX_ROWS:,} data rows, more than these notebooks are made "
                f"for. Keep a sample, e.g. every 10th row with pandas: pd.read_csv(path, "
                f"usecols=[...], skiprows=lambda i: i % 10 != 0).to_csv('sample.csv', index=False)."
            )
        for column in read:
            text = row[column.index].strip()
            try:
                value = number(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise _number_error(text, column.name, name, line, decimal, thousands)
            if watch_points and "." in text and not column.plain_point:
                column.watch_point(text, line)
            column.values.append(value)
    for column in read:
        if watch_points and column.point_example and not column.plain_point:
            raise _ambiguous_points(column, name)
    return count


def _header_columns(header, columns, name, encoding, sep):
    """The columns asked for, found in the header, or a DataError that says what is there."""
    for column in columns:
        if header.count(column) > 1:
            raise DataError(f"{name} has two columns named {column!r}: rename one in the header row.")
    missing = [c for c in columns if c not in header]
    if missing:
        present = ", ".join(repr(c) for c in header if c) or "none"
        hint = _separator_hint(header, sep)
        names = [c for c in header if c]
        if all(_to_float(c, ".", None) is not None for c in names):
            hint += f" The first line holds numbers: add a header line such as {sep.join(columns)!r}."
        elif len(names) == 1 < len(header):
            hint += (
                " Is that a title? The column names must be on the first line that is not blank: "
                "delete the lines above them."
            )
        raise DataError(
            f"{name} has no column {missing[0]!r}. Columns present: {present} (read as {encoding}).{hint}"
        )
    return [_Column(c, header.index(c)) for c in columns]


def _fit_row(row, header, width):
    """``row`` without trailing empty fields beyond the header, and with unnamed empty
    columns on the right filled in: spreadsheets write both for cells once used."""
    while len(row) > width and not row[-1].strip():
        row = row[:-1]
    if len(row) < width and not any(header[len(row) :]):
        row = row + [""] * (width - len(row))
    return row


def _separator_hint(header, sep):
    for other, name in ((";", "semicolons"), ("\t", "tabs")):
        if other != sep and any(other in field for field in header):
            shown = "\\t" if other == "\t" else other
            return (
                f" The header looks separated by {name}, not by {sep!r}: pass sep={shown!r}"
                f" (and decimal=',' if numbers are written like 1,5)."
            )
    return ""


def load_xy(path, x="x", y="y", sep=",", decimal=None, thousands=None):
    """Read two numeric columns of a CSV file as ``(x, y)`` arrays.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file, e.g. ``"my_data.csv"``; a bare name of a shipped file, e.g.
        ``"classic.csv"``, is found in ``DATA_DIR`` unless the working directory has one.
    x, y : str, optional
        Names of the input and target columns.
    sep, decimal, thousands : str, optional
        Field separator, decimal mark and thousands mark, as for :func:`load_columns`:
        e.g. ``sep=";", decimal=","`` for a file saved by a German or French Excel.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)

    Examples
    --------
    >>> x, y = load_xy("penguins.csv", x="flipper_length_mm", y="body_mass_g")
    """
    values = load_columns(path, [x, y], sep=sep, decimal=decimal, thousands=thousands)
    return values[:, 0], values[:, 1]
