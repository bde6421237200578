"""Reading the collection's CSV files (pandas is imported here and nowhere else).

``linreg_core`` re-exports :data:`DATA_DIR` and :func:`load_xy`, so notebooks
write ``lc.load_xy(lc.DATA_DIR / "classic.csv")``.
"""

from pathlib import Path

import numpy as np

from linreg_validation import DataError

#: Folder holding the CSV files shipped with the collection.
DATA_DIR = Path(__file__).resolve().parent / "data"


def load_columns(path, columns):
    """Read numeric columns from a CSV file, checking every value.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (with a header row). Shipped files live in ``DATA_DIR``.
    columns : sequence of str
        Column names to read.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_rows, len(columns))``, dtype float.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataError
        If a column is missing, or a value is missing or not a number.
    """
    import pandas as pd  # only the loaders need pandas

    path = Path(path)
    if not path.is_file():
        shipped = ", ".join(sorted(p.name for p in DATA_DIR.glob("*.csv")))
        raise FileNotFoundError(
            f"No data file at '{path}' (absolute: {path.resolve()}). "
            f"Check the path; the collection ships {shipped} in "
            f"lc.DATA_DIR, e.g. load_xy(DATA_DIR / 'classic.csv')."
        )
    try:
        # Blank lines are kept (and dropped below) so row i is line i + 2 of the file.
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, skipinitialspace=True, skip_blank_lines=False
        )
    except pd.errors.EmptyDataError:
        raise DataError(f"{path.name} is empty: it needs a header row and data rows.") from None
    except pd.errors.ParserError as error:
        raise DataError(f"{path.name} is not a well-formed CSV file: {error}") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        present = ", ".join(repr(c) for c in table.columns)
        raise DataError(f"{path.name} has no column {missing[0]!r}. Columns present: {present}.")
    blank = (table.fillna("").apply(lambda column: column.str.strip()) == "").all(axis=1).to_numpy()
    lines = np.flatnonzero(~blank) + 2  # the header is line 1
    table = table[~blank]
    values = np.empty((len(table), len(columns)))
    for j, column in enumerate(columns):
        text = table[column].str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        for row in np.flatnonzero(numbers.isna().to_numpy() | ~np.isfinite(numbers.to_numpy())):
            line = lines[row]
            if text.iloc[row] in ("", "NA", "NaN", "nan", "N/A", "null"):
                problem = f"a missing value ({text.iloc[row]!r})"
                fix = "Remove that row or fill in the value."
            else:
                problem = f"a value that is not a finite number: {text.iloc[row]!r}"
                fix = "Correct the value or remove that row."
            raise DataError(
                f"Column {column!r} of {path.name} has {problem} on line {line} of the file. {fix}"
            )
        values[:, j] = numbers.to_numpy(dtype=float)
    if len(table) == 0:
        raise DataError(f"{path.name} has a header but no data rows.")
    return values


def load_xy(path, x="x", y="y"):
    """Read two numeric columns of a CSV file as ``(x, y)`` arrays.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file, e.g. ``DATA_DIR / "classic.csv"``.
    x, y : str, optional
        Names of the input and target columns.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)

    Examples
    --------
    >>> x, y = load_xy(DATA_DIR / "penguins.csv", x="flipper_length_mm", y="body_mass_g")
    """
    values = load_columns(path, [x, y])
    return values[:, 0], values[:, 1]
