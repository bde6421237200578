"""Reading the collection's CSV files, checking every value.

``linreg_core`` re-exports :data:`DATA_DIR`, :func:`load_xy` and
:func:`load_columns`, so notebooks write ``lc.load_xy(lc.DATA_DIR / "classic.csv")``.
Files are read with Python's ``csv`` module, row by row, so a value can never land
in another column: a row with too many or too few fields is an error that names
its line.
"""

import csv
import io
import math
import os
import re
from pathlib import Path

import numpy as np

from linreg_validation import DataError

#: Folder holding the CSV files shipped with the collection.
DATA_DIR = Path(__file__).resolve().parent / "data"

MISSING = ("", "NA", "NaN", "nan", "N/A", "null")


def read_text(path):
    """The file's text and the encoding it was read with.

    UTF-16 (with its byte-order mark), then UTF-8 (with or without a mark, as
    Excel writes it), then Windows-1252, the usual encoding of a CSV file saved
    by Excel on Windows ("Latin-1" in many menus).
    """
    data = Path(path).read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _separator_hint(header, sep):
    for other, name in ((";", "semicolons"), ("\t", "tabs")):
        if other != sep and any(other in field for field in header):
            shown = "\\t" if other == "\t" else other
            return (
                f" The header looks separated by {name}, not by {sep!r}: pass sep={shown!r}"
                f" (and decimal=',' if numbers are written like 1,5)."
            )
    return ""


def load_columns(path, columns, sep=",", decimal="."):
    """Read numeric columns from a CSV file, checking every value.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file, with a header row. Shipped files live in ``DATA_DIR``.
    columns : sequence of str
        Column names to read (spaces around header names are ignored).
    sep : str, optional
        The field separator, e.g. ``";"`` for files saved with a decimal comma.
    decimal : str, optional
        The decimal mark, ``"."`` or ``","``.

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
        fields, or a value is missing or not a finite number. The message names
        the line of the file and how to fix it.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a file name or a pathlib.Path, e.g. DATA_DIR / 'classic.csv', "
            f"got {type(path).__name__} {path!r:.60}."
        )
    if not isinstance(columns, (list, tuple)) or not all(isinstance(c, str) for c in columns):
        raise TypeError(f"columns must be a list of column names, e.g. ['x', 'y'], got {columns!r:.60}.")
    for value, what in ((sep, "sep"), (decimal, "decimal")):
        if not isinstance(value, str) or len(value) != 1:
            example = ";" if what == "sep" else ","
            raise TypeError(f"{what} must be one character, e.g. {what}={example!r}, got {value!r:.40}.")
    path = Path(path)
    if not path.is_file():
        shipped = ", ".join(sorted(p.name for p in DATA_DIR.glob("*.csv")))
        raise FileNotFoundError(
            f"No data file at '{path}' (absolute: {path.resolve()}). "
            f"Check the path; the collection ships {shipped} in "
            f"lc.DATA_DIR, e.g. load_xy(DATA_DIR / 'classic.csv')."
        )
    text, encoding = read_text(path)
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header = [name.strip() for name in next(reader, [])]
    if not any(header):
        raise DataError(f"{path.name} is empty: it needs a header row and data rows.")
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise DataError(f"{path.name} has two columns named {twice[0]!r}: rename one in the header row.")
    missing = [c for c in columns if c not in header]
    if missing:
        present = ", ".join(repr(c) for c in header)
        raise DataError(
            f"{path.name} has no column {missing[0]!r}. Columns present: {present} "
            f"(read as {encoding}).{_separator_hint(header, sep)}"
        )
    where = [header.index(c) for c in columns]
    rows = []
    for row in reader:
        if not any(field.strip() for field in row):
            continue  # blank lines are allowed
        line = reader.line_num
        if len(row) != len(header):
            raise DataError(
                f"Line {line} of {path.name} has {len(row)} fields but the header has {len(header)}: "
                f"{sep.join(row)!r}. Every row needs one value per column; fix or remove that line."
                + _separator_hint(header, sep)
            )
        rows.append([_number(row[k].strip(), header[k], path.name, line, decimal) for k in where])
    if not rows:
        raise DataError(f"{path.name} has a header but no data rows.")
    return np.array(rows, dtype=float)


def _number(text, column, name, line, decimal):
    """One CSV value as a finite float, or a DataError that says what is wrong where."""
    if text in MISSING:
        problem, fix = f"a missing value ({text!r})", "Remove that row or fill in the value."
    else:
        try:
            value = float(text.replace(decimal, ".") if decimal != "." else text)
        except ValueError:
            value = None
        if value is not None and math.isfinite(value):
            return value
        problem, fix = (
            f"a value that is not a finite number: {text!r}",
            "Correct the value or remove that row.",
        )
        if decimal == "." and re.fullmatch(r"[+-]?\d+,\d+", text):
            fix = "It looks like a decimal comma: pass decimal=',' (or write 1.5 for one and a half)."
    raise DataError(f"Column {column!r} of {name} has {problem} on line {line} of the file. {fix}")


def load_xy(path, x="x", y="y", sep=",", decimal="."):
    """Read two numeric columns of a CSV file as ``(x, y)`` arrays.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file, e.g. ``DATA_DIR / "classic.csv"``.
    x, y : str, optional
        Names of the input and target columns.
    sep, decimal : str, optional
        Field separator and decimal mark, as for :func:`load_columns`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)

    Examples
    --------
    >>> x, y = load_xy(DATA_DIR / "penguins.csv", x="flipper_length_mm", y="body_mass_g")
    """
    values = load_columns(path, [x, y], sep=sep, decimal=decimal)
    return values[:, 0], values[:, 1]
