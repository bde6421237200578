"""Write the CSV files of the collection: classic.csv, penguins.csv, tiny.csv.

Run from anywhere::

    python data/make_datasets.py

The files land next to this script. Everything is seeded and written with a
fixed number format, so running the script twice gives byte-identical files.
See ``data/README.md`` for what each file holds and where it comes from.
"""

import sys
from pathlib import Path

import numpy as np

#: Folder the CSV files are written to: the one holding this script.
HERE = Path(__file__).resolve().parent

#: Seed of the random generator used for classic.csv. With it the least-squares
#: fit lands within about one standard error of TRUE_M and TRUE_B, so the
#: numbers students see match the story (some seeds land 2-3 errors away).
SEED = 1

# classic.csv: y = TRUE_M * x + TRUE_B + normal noise with sd NOISE_SD.
#: Number of points in classic.csv.
N_CLASSIC = 200
#: True slope of classic.csv.
TRUE_M = 1.0
#: True intercept of classic.csv.
TRUE_B = 5.0
#: Standard deviation of the noise added to y in classic.csv.
NOISE_SD = 8.0
#: x is drawn uniformly from this interval.
X_RANGE = (0.0, 100.0)

#: Columns kept from the Palmer penguins data: species and four measurements.
PENGUIN_COLUMNS = ["species", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
#: Measurements that are whole numbers in the source file.
PENGUIN_INT_COLUMNS = ["flipper_length_mm", "body_mass_g"]

#: tiny.csv, small enough to work through by hand. Against the line
#: y = x + 1 the residuals are 1, -1, 0, 2, -2, so the MSE is 10 / 5 = 2.
TINY_X = [0, 2, 3, 5, 6]
TINY_Y = [2, 2, 4, 8, 5]


def write_classic(path):
    """Write the synthetic straight-line data set to ``path``.

    Parameters
    ----------
    path : pathlib.Path
        Output file.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The ``x`` and ``y`` exactly as written (rounded to 2 decimals).
    """
    rng = np.random.default_rng(SEED)
    x = np.round(rng.uniform(*X_RANGE, size=N_CLASSIC), 2)
    y = TRUE_M * x + TRUE_B + rng.normal(0.0, NOISE_SD, size=N_CLASSIC)
    # Adding 0.0 turns -0.0 into 0.0, so no "-0.00" appears in the file.
    x, y = x + 0.0, np.round(y, 2) + 0.0
    lines = ["x,y"] + [f"{xi:.2f},{yi:.2f}" for xi, yi in zip(x, y)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    return x, y


def write_penguins(path, load_penguins):
    """Write the Palmer penguins measurements, without incomplete rows.

    Parameters
    ----------
    path : pathlib.Path
        Output file.
    load_penguins : callable
        ``palmerpenguins.load_penguins``, which reads the CSV shipped inside
        the package (no download).

    Returns
    -------
    (int, int)
        Rows written and rows dropped because a measurement was missing.
    """
    table = load_penguins()[PENGUIN_COLUMNS]
    complete = table.dropna(subset=PENGUIN_COLUMNS[1:])
    # Missing values made pandas read the whole-number columns as floats.
    complete = complete.astype({column: int for column in PENGUIN_INT_COLUMNS})
    # "%g" writes 18 rather than 18.0: the numbers look as in the source.
    complete.to_csv(path, index=False, float_format="%g", lineterminator="\n")
    return len(complete), len(table) - len(complete)


def write_tiny(path):
    """Write the hand-sized data set ``TINY_X``, ``TINY_Y`` to ``path``."""
    lines = ["x,y"] + [f"{xi},{yi}" for xi, yi in zip(TINY_X, TINY_Y)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def main():
    """Write all three files and print a short summary."""
    try:
        from palmerpenguins import load_penguins
    except ImportError:
        sys.exit(
            "penguins.csv is made from the palmerpenguins package, which is not "
            "installed. Install it with:  pip install palmerpenguins"
        )

    x, y = write_classic(HERE / "classic.csv")
    m, b = np.polyfit(x, y, 1)
    print(
        f"classic.csv : {x.size} rows, true m={TRUE_M:g}, b={TRUE_B:g}, "
        f"noise sd={NOISE_SD:g}; least-squares fit m={m:.4f}, b={b:.4f}"
    )

    kept, dropped = write_penguins(HERE / "penguins.csv", load_penguins)
    print(f"penguins.csv: {kept} rows ({dropped} dropped for missing measurements)")

    write_tiny(HERE / "tiny.csv")
    residuals = np.array(TINY_Y) - (np.array(TINY_X) + 1)
    print(
        f"tiny.csv    : {len(TINY_X)} rows; residuals at m=1, b=1: "
        f"{residuals.tolist()}, MSE = {np.mean(residuals**2):g}"
    )


if __name__ == "__main__":
    main()
