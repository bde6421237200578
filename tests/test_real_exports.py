"""The "real exports" family: CSV files written the way real tools write them.

Each case writes a file into a temporary folder byte for byte as the tool saves it
(Excel on Windows and Mac, Google Sheets, LibreOffice, pandas, R, other locales,
archives), then loads it. It is either read right, compared with what the file means
(the numbers are written out by hand), or refused with a DataError or ValueError from
the project whose message names the fix. No file may be silently misread.
"""

import bz2
import csv
import gzip
import io
import lzma
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import linreg_core as lc
import linreg_data

OURS = ("linreg_data.py", "linreg_validation.py")


def raised_by_us(error):
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return Path(tb.tb_frame.f_code.co_filename).name in OURS


def crlf(text):
    """Excel on Windows and Google Sheets end lines with CR LF."""
    return text.replace("\n", "\r\n")


def cr(text):
    """Excel for Mac ("CSV (Macintosh)") ends lines with a lone CR, as classic Mac OS did."""
    return text.replace("\n", "\r")


# name: (file name, bytes, load_xy keyword arguments, (x, y) the file means, by hand)
READ_RIGHT = {
    "Excel Windows, CSV UTF-8": (
        "data.csv",
        b"\xef\xbb\xbf" + crlf("x,y\n1.5,2\n3,-4.25\n").encode(),
        {},
        ([1.5, 3.0], [2.0, -4.25]),
    ),
    "Excel Windows, CSV (ANSI), accented header": (
        "data.csv",
        crlf("Größe (cm),Masse (kg)\n170,65.5\n182,80\n").encode("cp1252"),
        {"x": "Größe (cm)", "y": "Masse (kg)"},
        ([170.0, 182.0], [65.5, 80.0]),
    ),
    "Excel Mac, CR line endings": (
        "data.csv",
        cr("x,y\n1,2\n3,4\n5,6.5\n").encode(),
        {},
        ([1.0, 3.0, 5.0], [2.0, 4.0, 6.5]),
    ),
    "Excel Mac, CR line endings and a BOM": (
        "data.csv",
        b"\xef\xbb\xbf" + cr("x,y\n1,2\n3,4\n").encode(),
        {},
        ([1.0, 3.0], [2.0, 4.0]),
    ),
    "Excel German, semicolons and decimal commas": (
        "data.csv",
        crlf("Länge;Masse\n1,5;3,25\n2;-0,5\n").encode("cp1252"),
        {"x": "Länge", "y": "Masse", "sep": ";", "decimal": ","},
        ([1.5, 2.0], [3.25, -0.5]),
    ),
    "Excel German, thousands points and decimal commas": (
        "data.csv",
        crlf("Jahr;Umsatz\n2020;1.234,50\n2021;12.345,00\n2022;999,9\n").encode("cp1252"),
        {"x": "Jahr", "y": "Umsatz", "sep": ";", "decimal": ",", "thousands": "."},
        ([2020.0, 2021.0, 2022.0], [1234.5, 12345.0, 999.9]),
    ),
    "Excel German, thousands points, whole grams": (
        "data.csv",
        crlf("Flosse;Masse\n181;3.750\n186;3.800\n195;950\n").encode("cp1252"),
        {"x": "Flosse", "y": "Masse", "sep": ";", "decimal": ",", "thousands": "."},
        ([181.0, 186.0, 195.0], [3750.0, 3800.0, 950.0]),
    ),
    "the same file, the user says the points are decimal points": (
        "data.csv",
        crlf("Flosse;Masse\n181;3.750\n186;3.800\n").encode("cp1252"),
        {"x": "Flosse", "y": "Masse", "sep": ";", "decimal": "."},
        ([181.0, 186.0], [3.75, 3.8]),
    ),
    "Excel US, thousands commas (quoted)": (
        "data.csv",
        crlf('year,sales\n2020,"1,234.50"\n2021,"12,345"\n2022,"1,234,567"\n2023,87\n').encode(),
        {"x": "year", "y": "sales", "thousands": ","},
        ([2020.0, 2021.0, 2022.0, 2023.0], [1234.5, 12345.0, 1234567.0, 87.0]),
    ),
    "Excel, scientific notation": (
        "data.csv",
        crlf("x,y\n1.23E+05,2.5E-03\n-4E+00,1\n").encode(),
        {},
        ([123000.0, -4.0], [0.0025, 1.0]),
    ),
    "Excel, a row once used on the right (trailing empty columns)": (
        "data.csv",
        crlf("x,y,,\n1,2,,\n3,4,,\n").encode(),
        {},
        ([1.0, 3.0], [2.0, 4.0]),
    ),
    "Excel, trailing separators on the rows only": (
        "data.csv",
        crlf("x,y\n1,2,\n3,4,,\n").encode(),
        {},
        ([1.0, 3.0], [2.0, 4.0]),
    ),
    "Excel, an empty first row (blank cells)": (
        "data.csv",
        crlf(",,\nx,y,\n1,2,\n3,4,\n").encode(),
        {},
        ([1.0, 3.0], [2.0, 4.0]),
    ),
    "a blank first line": (
        "data.csv",
        b"\nx,y\n1,2\n3,4\n",
        {},
        ([1.0, 3.0], [2.0, 4.0]),
    ),
    "Excel, Unicode Text (UTF-16 LE, tabs)": (
        "data.txt",
        "x\ty\r\n1.5\t2\r\n3\t4\r\n".encode("utf-16"),
        {"sep": "\t"},
        ([1.5, 3.0], [2.0, 4.0]),
    ),
    "UTF-16 BE with its BOM": (
        "data.csv",
        b"\xfe\xff" + "x,y\n1,2\n".encode("utf-16-be"),
        {},
        ([1.0], [2.0]),
    ),
    "UTF-8 BOM with one stray Latin-1 byte": (
        "data.csv",
        b"\xef\xbb\xbfx,y,unit\n1,2,\xb0C\n3,4,K\n",
        {},
        ([1.0, 3.0], [2.0, 4.0]),
    ),
    "Google Sheets, English": (
        "data.csv",
        crlf('name,x,y\n"Smith, Ann",1.5,2\nBo,3,4\n').encode(),
        {},
        ([1.5, 3.0], [2.0, 4.0]),
    ),
    "Google Sheets, German (commas, quoted decimal commas)": (
        "data.csv",
        crlf('x,y\n"1,5","2,25"\n3,4\n').encode(),
        {"decimal": ","},
        ([1.5, 3.0], [2.25, 4.0]),
    ),
    "Google Forms, an answer over several lines": (
        "data.csv",
        crlf('note,x,y\n"first line\nsecond line",1,2\nok,3,4\n').encode(),
        {},
        ([1.0, 3.0], [2.0, 4.0]),
    ),
    "LibreOffice, every text cell quoted": (
        "data.csv",
        b'"species","x","y"\n"Adelie",181,3750\n"Gentoo",217,5000\n',
        {},
        ([181.0, 217.0], [3750.0, 5000.0]),
    ),
    "LibreOffice French, no-break spaces between thousands": (
        "data.csv",
        "x;y\n1\u00a0234,5;2\n12\u202f345;-1 000\n".encode(),
        {"sep": ";", "decimal": ",", "thousands": " "},
        ([1234.5, 12345.0], [2.0, -1000.0]),
    ),
    "Swiss, apostrophes between thousands": (
        "data.csv",
        b"x,y\n1'234.5,2\n12'345,3\n",
        {"thousands": "'"},
        ([1234.5, 12345.0], [2.0, 3.0]),
    ),
    "R write.csv (quoted header and row names)": (
        "data.csv",
        b'"","x","y"\n"1",1.5,2\n"2",3,4\n',
        {},
        ([1.5, 3.0], [2.0, 4.0]),
    ),
    "R write.csv2 (semicolons, decimal commas)": (
        "data.csv",
        b'"";"x";"y"\n"1";1,5;2\n"2";3;4,75\n',
        {"sep": ";", "decimal": ","},
        ([1.5, 3.0], [2.0, 4.75]),
    ),
    "a column of 3.750-like values, decimal='.' given": (
        "data.csv",
        b"x,y\n1.250,3.125\n2.500,6.250\n",
        {"decimal": "."},
        ([1.25, 2.5], [3.125, 6.25]),
    ),
    "gzip (.csv.gz)": ("data.csv.gz", gzip.compress(b"x,y\n1,2\n3,4\n"), {}, ([1.0, 3.0], [2.0, 4.0])),
    "bzip2 (.csv.bz2)": ("data.csv.bz2", bz2.compress(b"x,y\n1,2\n3,4\n"), {}, ([1.0, 3.0], [2.0, 4.0])),
    "xz (.csv.xz)": ("data.csv.xz", lzma.compress(b"x,y\n1,2\n3,4\n"), {}, ([1.0, 3.0], [2.0, 4.0])),
    "gzip of a UTF-8-BOM Excel file": (
        "data.csv.gz",
        gzip.compress(b"\xef\xbb\xbf" + crlf("x,y\n1,2\n").encode()),
        {},
        ([1.0], [2.0]),
    ),
}


def zip_of(files):
    """The bytes of a zip archive holding ``files`` (name -> bytes)."""
    path = Path(__import__("tempfile").mkdtemp()) / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path.read_bytes()


READ_RIGHT["zip of one CSV file (macOS Compress adds __MACOSX/)"] = (
    "data.zip",
    zip_of({"data.csv": b"x,y\n1,2\n3,4\n", "__MACOSX/._data.csv": b"\x00\x05\x16\x07"}),
    {},
    ([1.0, 3.0], [2.0, 4.0]),
)


@pytest.mark.parametrize("case", READ_RIGHT)
def test_real_exports_are_read_right(tmp_path, case):
    name, data, kwargs, (x_means, y_means) = READ_RIGHT[case]
    path = tmp_path / name
    path.write_bytes(data)
    x, y = lc.load_xy(path, **kwargs)
    assert x.tolist() == x_means and y.tolist() == y_means


# name: (file name, bytes, load_xy keyword arguments, a pattern the message must hold)
REFUSED = {
    "'1,234' in a comma file: both readings named": (
        "data.csv",
        b'x,y\n1,"1,234"\n',
        {},
        r"'1,234'.*line 2.*thousands \(1,234 = 1234\), pass thousands=','.*decimal comma "
        r"\(1,234 = 1\.234\), pass decimal=','",
    ),
    "'12,345.5' in a comma file": (
        "data.csv",
        b'x,y\n1,"12,345.5"\n',
        {},
        r"comma between thousands: pass thousands=','",
    ),
    "'1,5' in a comma file": ("data.csv", b'x,y\n1,"1,5"\n', {}, r"decimal comma: pass decimal=','"),
    "'1.234' with decimal=',' (German thousands)": (
        "data.csv",
        b"x;y\n1;1.234\n",
        {"sep": ";", "decimal": ","},
        r"'1\.234'.*line 2.*\(1\.234 = 1234\), pass thousands='\.'",
    ),
    "'1.234,5' with decimal=','": (
        "data.csv",
        b"x;y\n1;1.234,5\n",
        {"sep": ";", "decimal": ","},
        r"pass thousands='\.'",
    ),
    "'1.234,5' with sep=';' only": (
        "data.csv",
        b"x;y\n1;1.234,5\n",
        {"sep": ";"},
        r"points between thousands, as in German or French exports: pass decimal=',' and thousands='\.'",
    ),
    "German grams with sep=';' only: 3.750 could be 3.75 or 3750": (
        "data.csv",
        crlf("Flosse;Masse\n181;3.750\n186;3.800\n195;950\n").encode("cp1252"),
        {"x": "Flosse", "y": "Masse", "sep": ";"},
        r"Column 'Masse'.*'3\.750' \(line 2\).*decimal point \(3\.75\).*thousands \(3750.*"
        r"decimal='\.'.*decimal=',', thousands='\.'",
    ),
    "'1.234.567' with the default": ("data.csv", b"x,y\n1,1.234.567\n", {}, r"points between thousands"),
    "'1.5' with decimal=','": (
        "data.csv",
        b"x;y\n1;1.5\n",
        {"sep": ";", "decimal": ","},
        r"has a point: fix",
    ),
    "'1,5' with thousands=','": (
        "data.csv",
        b'x,y\n1,"1,5"\n',
        {"thousands": ","},
        r"thousands mark ',' must stand between groups of three digits",
    ),
    "French spaces without thousands=' '": (
        "data.csv",
        "x;y\n1\u00a0234,5;2\n".encode(),
        {"sep": ";", "decimal": ","},
        r"spaces between thousands: pass thousands=' '",
    ),
    "Swiss apostrophes without thousands": ("data.csv", b"x,y\n1'234.5,2\n", {}, r"pass thousands=\"'\""),
    "Excel percentage": ("data.csv", b"x,y\n1,12%\n", {}, r"'12%'.*percentage"),
    "Excel #N/A": ("data.csv", b"x,y\n1,#N/A\n", {}, r"missing value \('#N/A'\) on line 2"),
    "a stray opening quote": (
        "data.csv",
        b'x,y\n1,2\n3,"4\n5,6\n7,8\n',
        {},
        r"quote mark \(\"\) opened on line 3 .* never closed",
    ),
    "a stray opening quote in a large file": (
        "data.csv",
        b'x,y\n1,"2\n' + b"3,4\n" * 40_000,
        {},
        r"quote mark \(\"\) opened on line 2 .* never closed",
    ),
    "text after a closing quote": ("data.csv", b'x,y\n1,"2"3\n', {}, r"Line 2 .*after a closing quote"),
    "a quote that swallows whole rows": (
        "data.csv",
        b'name,x,y\n"Bob,1,2\nAnn",3,4\nCy,5,6\n',
        {},
        r"quote mark \(\"\) on line 2 .* not closed until a later line.*ran together",
    ),
    "a quoted value over lines in a number column": (
        "data.csv",
        b'x,y\n1,"2\n3"\n',
        {},
        r"quote mark \(\"\) on line 2 .* not closed until a later line",
    ),
    "an Excel workbook (.xlsx) renamed .csv": (
        "data.csv",
        zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        {},
        r"Excel workbook \(\.xlsx\), not a CSV file.*save it as 'CSV UTF-8",
    ),
    "a LibreOffice spreadsheet (.ods)": (
        "data.ods",
        zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
        {},
        r"LibreOffice or OpenOffice spreadsheet",
    ),
    "an Excel 97 workbook (.xls)": (
        "data.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        {},
        r"\.xls",
    ),
    "a zip of two files": (
        "data.zip",
        zip_of({"a.csv": b"x,y\n1,2\n", "b.csv": b"x,y\n3,4\n"}),
        {},
        r"zip archive of 2 files \(a\.csv, b\.csv\): unzip it",
    ),
    "a gzip file cut short (an incomplete download)": (
        "data.csv.gz",
        gzip.compress(b"x,y\n" + b"1,2\n" * 1000)[:30],
        {},
        r"data\.csv\.gz could not be read to the end \(EOFError.*Download or copy it again",
    ),
    "a damaged zip": (
        "data.zip",
        b"PK\x03\x04" + bytes(range(200)),
        {},
        r"could not be read to the end \(BadZipFile",
    ),
    "a damaged bz2": (
        "data.csv.bz2",
        b"BZh9" + bytes(range(200)),
        {},
        r"could not be read to the end \(OSError",
    ),
    "UTF-16 cut in the middle of a character": (
        "data.csv",
        "x,y\n1,2\n3,4".encode("utf-16")[:-1],
        {},
        r"Column 'y' of data\.csv has a value that is not a finite number: '\ufffd' on line 3",
    ),
    "UTF-16 without its BOM": (
        "data.csv",
        "x,y\n1,2\n".encode("utf-16-le"),
        {},
        r"NUL bytes.*UTF-16 text without its byte-order mark",
    ),
    "a header line that holds numbers": (
        "data.csv",
        b"1,2\n3,4\n",
        {},
        r"first line holds numbers: add a header",
    ),
    "the title row above the header": (
        "data.csv",
        crlf("Penguins 2007,,\nx,y,\n1,2,\n").encode(),
        {},
        r"no column 'x'\. Columns present: 'Penguins 2007'.*Is that a title\?.*delete the lines above",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_ambiguous_or_broken_exports_are_refused_with_the_fix(tmp_path, case):
    name, data, kwargs, pattern = REFUSED[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(lc.DataError, match=pattern) as caught:
        lc.load_xy(path, **kwargs)
    assert raised_by_us(caught.value)


def test_the_family_covers_every_tool():
    """Every tool the issue names has at least one case."""
    names = " ".join([*READ_RIGHT, *REFUSED])
    for tool in ("Excel Windows", "Excel Mac", "Google Sheets", "LibreOffice", "R write.csv", "German"):
        assert tool in names, tool


# --------------------------------------------------------------------------
# Files written by pandas itself
# --------------------------------------------------------------------------

FRAME = pd.DataFrame(
    {"x": [0.1, 2.5, -3.0, 1234.5], "y": [1e-7, 4.0, 5.25, 6.0], "label": ["a", "b,c", 'd"e', ""]}
)


@pytest.mark.parametrize(
    "name, options",
    [
        ("data.csv", {}),
        ("data.csv", {"index": False}),
        ("data.csv.gz", {}),
        ("data.csv.bz2", {}),
        ("data.csv.xz", {}),
        ("data.zip", {}),
        ("data.csv", {"lineterminator": "\r\n", "encoding": "utf-8-sig"}),
        ("data.csv", {"sep": ";", "decimal": ","}),
        ("data.csv", {"sep": "\t", "encoding": "utf-16"}),
    ],
    ids=["default", "no index", "gzip", "bz2", "xz", "zip", "Windows style", "European", "UTF-16 tabs"],
)
def test_files_written_by_pandas_read_back_exactly(tmp_path, name, options):
    path = tmp_path / name
    FRAME.to_csv(path, **options)
    sep, decimal = options.get("sep", ","), options.get("decimal", ".")
    x, y = lc.load_xy(path, sep=sep, decimal=decimal)
    assert x.tolist() == [0.1, 2.5, -3.0, 1234.5] and y.tolist() == [1e-7, 4.0, 5.25, 6.0]


def test_pandas_and_the_loader_agree_on_a_semicolon_file(tmp_path):
    """An independent reader: pandas.read_csv with the same settings gives the same numbers."""
    path = tmp_path / "data.csv"
    path.write_bytes(crlf("Jahr;Umsatz\n2020;1.234,50\n2021;12.345,00\n").encode("cp1252"))
    x, y = lc.load_xy(path, x="Jahr", y="Umsatz", sep=";", decimal=",", thousands=".")
    frame = pd.read_csv(path, sep=";", decimal=",", thousands=".", encoding="cp1252")
    assert x.tolist() == frame["Jahr"].tolist() and y.tolist() == frame["Umsatz"].tolist()


# --------------------------------------------------------------------------
# Web addresses, settings, and size limits
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/data.csv",
        "http://example.org/data.csv",
        Path("https://example.org/data.csv"),  # a Path turns // into /
        "ftp://example.org/data.csv",
    ],
)
def test_a_web_address_is_not_mangled_into_a_local_path(url):
    with pytest.raises(
        ValueError, match=r"web address, but load_xy reads a file on this computer.*urlretrieve"
    ):
        lc.load_xy(url)


def test_a_windows_drive_letter_is_a_path_not_a_web_address():
    with pytest.raises(FileNotFoundError, match="No data file"):
        lc.load_xy("C:/no/such/data.csv")


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        ({"thousands": "."}, ValueError, r"thousands='\.' is also the decimal mark"),
        ({"decimal": ",", "thousands": ","}, ValueError, r"also the decimal mark"),
        ({"thousands": "_"}, TypeError, r"thousands must be None or one of"),
        ({"decimal": ";"}, TypeError, r"decimal must be '\.' or ','"),
        ({"sep": ";;"}, TypeError, r"sep must be one character"),
    ],
)
def test_settings_that_contradict_each_other_are_refused(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        lc.load_xy(lc.DATA_DIR / "tiny.csv", **kwargs)


def test_too_many_rows_are_refused_with_a_sample_hint(tmp_path, monkeypatch):
    monkeypatch.setattr(linreg_data, "MAX_ROWS", 5)
    path = tmp_path / "big.csv"
    path.write_text("x,y\n" + "1,2\n" * 5)
    assert lc.load_xy(path)[0].size == 5  # exactly the limit is fine
    path.write_text("x,y\n" + "1,2\n" * 6)
    with pytest.raises(lc.DataError, match=r"more than 5 data rows.*Keep a sample"):
        lc.load_xy(path)


def test_a_file_above_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(linreg_data, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text("x,y\n" + "1,2\n" * 30)  # 124 bytes
    with pytest.raises(lc.DataError, match=r"big\.csv is 0\.0 GB, more than .* Keep a sample"):
        lc.load_xy(path)


def test_running_out_of_memory_is_explained(tmp_path, monkeypatch):
    """Under a memory limit (a hub's 0.7 GB), a file too large gets our message, not a bare MemoryError."""

    def no_memory(*args):
        raise MemoryError

    monkeypatch.setattr(linreg_data, "_read_rows", no_memory)
    with pytest.raises(lc.DataError, match=r"tiny\.csv is too large for the memory left.*Read fewer columns"):
        lc.load_xy(lc.DATA_DIR / "tiny.csv")


def test_a_large_file_streams_into_arrays_of_the_columns_asked_for(tmp_path):
    """200,000 rows of 5 columns: the result holds only the 2 columns asked for, in order."""
    n = 200_000
    path = tmp_path / "big.csv"
    with path.open("w") as f:
        f.write("a,x,b,y,c\n")
        f.writelines(f"{i},{i % 97}.5,text,{-i},9\n" for i in range(n))
    x, y = lc.load_xy(path)
    i = np.arange(n)
    assert x.shape == y.shape == (n,)
    assert np.array_equal(x, i % 97 + 0.5) and np.array_equal(y, -i.astype(float))


def test_streaming_keeps_memory_near_the_size_of_the_numbers(tmp_path):
    """100,000 rows of 5 columns (2.5 MB of text): the numbers asked for take 1.6 MB, and the
    loader's peak (3.3 MB measured) stays within a few MB of that. Reading every row into lists
    first, as the loader used to, peaked at 31.6 MB."""
    import tracemalloc

    path = tmp_path / "big.csv"
    with path.open("w") as f:
        f.write("a,x,b,y,c\n")
        f.writelines(f"{i},{i % 97}.5,text,{-i},9\n" for i in range(100_000))
    tracemalloc.start()
    try:
        x, y = lc.load_xy(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert x.size == 100_000
    assert peak < 8e6, f"peak {peak / 1e6:.1f} MB"


def test_line_numbers_count_blank_lines_and_cr_endings(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\r\rx,y\r1,2\r3,abc\r")  # 'abc' is on line 5
    with pytest.raises(lc.DataError, match=r"Column 'y'.*'abc' on line 5"):
        lc.load_xy(path)


def test_the_missing_column_message_says_how_the_file_was_read(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,\xb02\n")
    with pytest.raises(
        lc.DataError, match=r"Columns present: 'a', 'b' \(read as UTF-8, with stray Windows-1252"
    ):
        lc.load_xy(path)


# --------------------------------------------------------------------------
# Every locale's way of writing numbers: read right when told, never misread when not
# --------------------------------------------------------------------------

# name: (separator, decimal mark, thousands marks the locale may use)
LOCALES = {
    "US/UK": (",", ".", (None, ",")),
    "German Excel": (";", ",", (None, ".")),
    "German Sheets": (",", ",", (None, ".")),
    "French": (";", ",", (None, " ", "\u00a0", "\u202f")),
    "Swiss": (",", ".", (None, "'")),
}


def written(sign, whole, fraction, decimal, thousands):
    """A number as a locale writes it, e.g. 1.234,5 (whole=1234, fraction='5')."""
    digits = f"{whole:,}".replace(",", thousands) if thousands else str(whole)
    return sign + digits + (decimal + fraction if fraction else "")


NUMBERS = st.lists(
    st.tuples(
        st.sampled_from(["", "-"]), st.integers(0, 10**7), st.from_regex(r"[0-9]{0,3}", fullmatch=True)
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, database=None, derandomize=True, deadline=None)
@given(
    locale=st.sampled_from(list(LOCALES)),
    pick=st.integers(0, 3),
    numbers=NUMBERS,
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    told=st.sampled_from(["everything", "nothing", "decimal only", "thousands only"]),
)
def test_no_locale_is_silently_misread(tmp_path_factory, locale, pick, numbers, ending, bom, told):
    """Numbers written as a locale writes them (thousands marks, decimal commas, quotes where
    needed), loaded with all, some or none of the settings: told everything, the loader reads
    exactly what the file means; told less, it reads exactly that or refuses with a DataError."""
    sep, decimal, marks = LOCALES[locale]
    thousands = marks[pick % len(marks)]
    means = [float(f"{sign}{whole}.{fraction or 0}") for sign, whole, fraction in numbers]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=sep, lineterminator=ending)
    writer.writerow(["x", "y"])
    writer.writerows([[written(*n, decimal, thousands), i] for i, n in enumerate(numbers)])
    path = tmp_path_factory.mktemp("locale") / "data.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.getvalue().encode())
    shown_thousands = " " if thousands in ("\u00a0", "\u202f") else thousands
    settings_told = {
        "everything": {"decimal": decimal, "thousands": shown_thousands},
        "nothing": {},
        "decimal only": {"decimal": decimal},
        "thousands only": {"thousands": shown_thousands},
    }[told]
    try:
        x, y = lc.load_xy(path, sep=sep, **settings_told)
    except (lc.DataError, ValueError) as error:
        assert told != "everything", f"refused though told everything: {error}"
        assert raised_by_us(error), error
        return
    assert x.tolist() == means, f"{text.getvalue()!r} read as {x.tolist()} with {settings_told}"
    assert y.tolist() == list(range(len(numbers)))


SEEDS = [
    b"x,y\n1,2\n3,4\n",
    b"\xef\xbb\xbfx;y\r\n1,5;2\r\n",
    "x\ty\n1\t2\n".encode("utf-16"),
    b'"","x","y"\n"1",1,2\n',
    b'x,y,,\n"1,234",2,,\n',
]
WRAPS = {
    "plain": lambda data: data,
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zip": lambda data: zip_of({"a.csv": data}),
}
PIECES = st.one_of(
    st.sampled_from(list(b'",;\t\r\n .0123456789xye-\x00\xff\xb0\xef\xbb\xbf')), st.integers(0, 255)
)


@settings(max_examples=300, database=None, derandomize=True, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 40), st.lists(PIECES, max_size=3), st.booleans()), max_size=4),
    wrap=st.sampled_from(list(WRAPS)),
    cut=st.one_of(st.none(), st.integers(0, 60)),
    kwargs=st.sampled_from([{}, {"sep": ";"}, {"sep": "\t"}, {"decimal": ","}, {"thousands": ","}]),
)
def test_damaged_exports_give_numbers_or_our_error(tmp_path_factory, seed, edits, wrap, cut, kwargs):
    """Real exports with bytes inserted or deleted, compressed, or cut short: the loader returns
    finite numbers or raises an error of its own (never one from csv, gzip, zipfile or codecs).
    A sweep of 50,000 such files found none."""
    data = bytearray(seed)
    for where, piece, delete in edits:
        where = min(where, len(data))
        if delete:
            del data[where : where + 1]
        else:
            data[where:where] = bytes(piece)
    data = WRAPS[wrap](bytes(data))
    path = tmp_path_factory.mktemp("damaged") / "data.csv"
    path.write_bytes(data if cut is None else data[:cut])
    try:
        x, y = lc.load_xy(path, **kwargs)
    except (lc.DataError, ValueError) as error:
        assert raised_by_us(error), f"{type(error).__name__} from outside the project: {error}"
        return
    assert np.isfinite(x).all() and np.isfinite(y).all() and x.shape == y.shape
