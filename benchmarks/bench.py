"""Speed of what users feel: the explorers, and a notebook's call of the core.

Run from anywhere::

    python benchmarks/bench.py           # full run
    python benchmarks/bench.py --quick   # fewer repeats

The core (``linreg_core``) is written to be read as the lesson, not to be
fast, so its rows are absolute times with generous limits (a notebook cell
should feel instant). Where speed matters, in the explorers, a row times our
version and a reference side by side and checks the speed-up ratio; the
explorer rows time every control at n = 200 and n = 10^5. The script exits
with status 1 if a required ratio or time limit is missed, or if a result
check fails. To add a row, append a :class:`Case` to the list returned by
:func:`build_cases`.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import linreg_core  # noqa: E402

#: Learning rate and epochs of the classic lesson.
LR, EPOCHS = 1e-4, 1000


class Case(NamedTuple):
    """One row of the table.

    Attributes
    ----------
    name : str
        What is measured.
    ours : callable
        Our version, called with no arguments.
    reference : callable or None
        The plain version to compare with; ``None`` for an absolute timing.
    required_ratio : float or None
        Minimum ``reference time / our time``.
    max_seconds : float or None
        Upper limit on our time, for rows without a reference.
    """

    name: str
    ours: Callable[[], object]
    reference: Callable[[], object] | None = None
    required_ratio: float | None = None
    max_seconds: float | None = None


# --------------------------------------------------------------------------
# Reference implementations, written the way the classic lesson does it
# --------------------------------------------------------------------------


def classic_gradient_descent(x, y, lr, epochs, m=0.0, b=0.0):
    """The classic lesson's own loop, as it is usually written.

    Python's builtin ``sum`` over numpy arrays, the two gradients and the
    update, and nothing else. The core must reach the same ``(m, b)``.
    """
    n = float(len(x))
    for _ in range(epochs):
        y_pred = m * x + b
        dm = (-2 / n) * sum(x * (y - y_pred))
        db = (-2 / n) * sum(y - y_pred)
        m = m - lr * dm
        b = b - lr * db
    return m, b


def loop_loss_surface(x, y, m_values, b_values):
    """The MSE grid by a Python double loop, one pass over the data per cell.

    Written here, independently of the core, to check both grids' numbers.
    """
    grid = np.empty((len(b_values), len(m_values)))
    for i, b in enumerate(b_values):
        for j, m in enumerate(m_values):
            grid[i, j] = np.mean((y - (m * x + b)) ** 2)
    return grid


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


def measure(fn, repeats, min_seconds):
    """Median time of one call of ``fn``, in seconds.

    Fast functions are called several times per repeat, so that a repeat
    lasts at least ``min_seconds`` and the clock resolution does not matter.

    Parameters
    ----------
    fn : callable
        Called with no arguments.
    repeats : int
        Number of repeats; the median is returned.
    min_seconds : float
        Shortest duration of one repeat.

    Returns
    -------
    float
    """
    start = time.perf_counter()
    fn()  # warm-up, and a first estimate of the cost
    once = time.perf_counter() - start
    number = max(1, int(min_seconds / max(once, 1e-9)))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def measure_side_by_side(ours, reference, repeats, min_seconds):
    """Median times of ``ours`` and ``reference`` and the median of their ratios.

    The two are timed in alternation, one repeat of each after the other, so
    that a slow spell of a shared machine slows both instead of one of them.
    """
    pairs = [(measure(ours, 1, min_seconds), measure(reference, 1, min_seconds)) for _ in range(repeats)]
    ratios = [ref / our for our, ref in pairs]
    return (
        statistics.median(p[0] for p in pairs),
        statistics.median(p[1] for p in pairs),
        statistics.median(ratios),
    )


def format_seconds(seconds):
    """Readable duration, e.g. ``'4.21 ms'``."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


# --------------------------------------------------------------------------
# The cases and their result checks
# --------------------------------------------------------------------------


def build_cases():
    """Set up the data, check that ours and the references agree.

    Returns
    -------
    (list of Case, list of (str, bool))
        The rows to time, and the result checks as ``(message, passed)``.
    """
    cases, checks = [], []
    x, y = linreg_core.load_xy(linreg_core.DATA_DIR / "classic.csv")

    # 1. Gradient descent, 200 points, 1000 epochs.
    result = linreg_core.gradient_descent(x, y, LR, EPOCHS)
    m_ref, b_ref = classic_gradient_descent(x, y, LR, EPOCHS)
    # The loss history, recomputed independently from the recorded (m, b) of every epoch.
    losses_ref = [np.mean((y - (m * x + b)) ** 2) for m, b in zip(result.ms, result.bs)]
    rel = max(
        abs(result.m - m_ref) / abs(m_ref),
        abs(result.b - b_ref) / abs(b_ref),
        np.max(np.abs(result.losses - losses_ref) / np.array(losses_ref)),
    )
    checks.append(
        (
            f"gradient descent: ours m={result.m:.12g}, b={result.b:.12g}; classic "
            f"m={m_ref:.12g}, b={b_ref:.12g}; max relative difference {rel:.1e} (limit 1e-9)",
            rel <= 1e-9,
        )
    )
    cases.append(
        Case(
            f"gradient_descent, n={x.size}, {EPOCHS} epochs (a notebook cell; absolute time)",
            lambda: linreg_core.gradient_descent(x, y, LR, EPOCHS),
            max_seconds=0.5,
        )
    )

    # 2. The explorers' loss contours: lw.loss_grid against the core's literal loss_surface.
    import linreg_widgets as lw

    m_values, b_values = np.linspace(-1, 3, 200), np.linspace(-30, 40, 200)
    ref = loop_loss_surface(x, y, m_values, b_values)
    for name, grid in [("lc.loss_surface", linreg_core.loss_surface), ("lw.loss_grid", lw.loss_grid)]:
        rel = np.max(np.abs(grid(x, y, m_values, b_values) - ref) / ref)
        checks.append((f"{name}: max relative difference {rel:.1e} (limit 1e-12)", rel <= 1e-12))
    cases.append(
        Case(
            "lw.loss_grid (explorers' contours), 200x200 grid vs the core's literal lc.loss_surface",
            lambda: lw.loss_grid(x, y, m_values, b_values),
            lambda: linreg_core.loss_surface(x, y, m_values, b_values),
            required_ratio=100,
        )
    )

    # 3. Gradient descent on a million points: absolute time, O(epochs) memory.
    rng = np.random.default_rng(0)
    x_big = rng.uniform(0, 100, 10**6)
    y_big = x_big + 5 + rng.normal(0, 8, x_big.size)
    big = linreg_core.gradient_descent(x_big, y_big, LR, 100)
    checks.append(
        (
            f"gradient descent, 10^6 points, 100 epochs: history ms holds "
            f"{big.ms.nbytes} bytes ({big.ms.size} values, O(epochs), not O(n))",
            big.ms.nbytes == 101 * 8 and not big.diverged,
        )
    )
    cases.append(
        Case(
            "gradient_descent, n=10^6, 100 epochs (absolute time)",
            lambda: linreg_core.gradient_descent(x_big, y_big, LR, 100),
            max_seconds=5.0,
        )
    )
    cases.append(slider_case(x, y))
    return cases, checks


def replot_three_panels(x, y, m, b):
    """The main explorer's figure drawn from scratch, as a naive callback would.

    Same content as :class:`linreg_widgets.LossExplorer`: data, line and
    residuals on the left; the loss contour and marker in the middle; the
    3-D bowl and its marker on the right; one legend below; then the PNG.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    import linreg_widgets as lw

    fig = Figure(figsize=(10.4, 4.6), dpi=lw.DPI, layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.35])
    ax_fit, ax_loss = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    ax_bowl = fig.add_subplot(grid[2], projection="3d")
    lw.plot_fit(x, y, m, b, ax=ax_fit)
    ax_fit.get_legend().remove()
    m_values, b_values = lw.parameter_grid(x, y)
    lw.draw_loss_contour(ax_loss, x, y, m_values, b_values)
    ax_loss.plot([m], [b], "o", ms=10)
    cap = lw.draw_loss_bowl(ax_bowl, x, y, m_values, b_values)
    ax_bowl.plot([m], [b], [min(cap, float(np.mean((y - m * x - b) ** 2)))], "o", ms=10)
    fig.legend(*ax_fit.get_legend_handles_labels(), loc="outside lower center", ncols=3)
    fig.canvas.draw()
    return lw.png_bytes(fig.canvas)


def slider_case(x, y):
    """4. A slider change (the kernel's part of it), against a full re-plot of the figure."""
    import matplotlib

    matplotlib.use("Agg")
    import linreg_widgets as lw

    explorer = lw.LossExplorer(x, y)
    values = iter(np.resize(np.linspace(explorer.m_slider.min, explorer.m_slider.max, 50), 10**6))

    def move_slider():
        # the observer updates the artists; the browser draws the move (issue 19), no PNG is made
        explorer.m_slider.value = next(values)

    return Case(
        "slider update in the kernel (LossExplorer, drawn in the browser) vs full re-plot to PNG",
        move_slider,
        lambda: replot_three_panels(x, y, explorer.m_slider.value, explorer.b_slider.value),
        required_ratio=2,
    )


# --------------------------------------------------------------------------
# Every explorer at n = 200 and n = 10^5, side by side
# --------------------------------------------------------------------------

#: The large data set of the explorer rows (the issue's "a hundred thousand points").
BIG_N = 10**5


def big_data(n=BIG_N, seed=0):
    """Data like classic.csv (x in [0.5, 100], y ≈ 0.99 x + 4.85 + noise), ``n`` points."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 100.0, n)
    return x, 0.99 * x + 4.85 + rng.normal(0.0, 9.0, n)


class ExplorerCase(NamedTuple):
    """One explorer control: ``setup(x, y)`` builds the explorer and returns a function
    that makes one change of the control (the observer trains and/or redraws the PNG)."""

    name: str
    setup: Callable[[np.ndarray, np.ndarray], Callable[[], object]]
    max_seconds: float


def _cycle(values):
    values = iter(np.resize(np.asarray(values), 10**6).tolist())  # Python numbers and bools
    return lambda: next(values)


def _setter(control, values):
    nxt = _cycle(values)

    def change():  # always a real change: a value equal to the current one fires no observer
        value = nxt()
        while value == control.value:
            value = nxt()
        control.value = value

    return change


def _slider_values(slider, count=37):
    return np.linspace(slider.min, slider.max, count)


#: Explorers whose registered move trains again (the retraining limit applies to it).
RETRAINING_MOVES = {"ScalingExplorer", "MinibatchExplorer"}


def explorer_cases():
    """Every registered explorer's move (lw.EXPLORERS), then the other controls as the notebooks
    use them (limits from issue 11: a redraw at most 50 ms, a retraining at most 0.5 s, at
    n = 10^5)."""
    import matplotlib

    matplotlib.use("Agg")
    import linreg_widgets as lw

    redraw, retrain = 0.05, 0.5

    def move(entry):
        def setup(x, y):
            e = entry.make(x, y)
            return lambda: entry.move(e)

        return setup

    registered = [
        ExplorerCase(f"{name}: its move", move(entry), retrain if name in RETRAINING_MOVES else redraw)
        for name, entry in lw.EXPLORERS.items()
    ]

    def near_1e4(slider):  # the rates a selection slider offers from 0.5e-4 to 2e-4
        return [rate for _, rate in slider.options if 0.5e-4 <= rate <= 2e-4]

    def step_lr(x, y):
        e = lw.StepExplorer(x, y, lr=1e-4)
        return _setter(e.lr_slider, near_1e4(e.lr_slider))

    def training_lr(x, y):
        e = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300)
        return _setter(e.lr_slider, near_1e4(e.lr_slider))

    def training_epochs(x, y):
        e = lw.TrainingExplorer(x, y, lr=1e-4, epochs=300)
        return _setter(e.epochs_slider, [300, 2000])

    def scaling_lr(x, y):
        e = lw.ScalingExplorer(x, y, lr=1e-4, epochs=1000)
        return _setter(e.lr_slider, 1e-4 * np.geomspace(0.5, 2, 7))

    def minibatch(control):
        def setup(x, y):
            e = lw.MinibatchExplorer(linreg_core.standardize(x)[0], y, lr=0.05, epochs=20, batch_size=10)
            if control == "lr":
                return _setter(e.lr_slider, 0.05 * np.geomspace(0.5, 2, 7))
            if control == "epoch":  # the kernel's side of a drag or of Play (the browser draws)
                return _setter(e.epoch_slider, range(e.epoch_slider.max + 1))
            sizes = [value for _, value in e.batch_buttons.options]
            return _setter(e.batch_buttons, sizes[:2] if control == "smallest" else [sizes[-1], sizes[0]])

        return setup

    return registered + [
        ExplorerCase("StepExplorer: lr slider", step_lr, redraw),
        ExplorerCase("TrainingExplorer: lr slider (retrains)", training_lr, retrain),
        ExplorerCase("TrainingExplorer: epochs 300 ↔ 2000 (retrains)", training_epochs, retrain),
        ExplorerCase("ScalingExplorer: lr slider (retrains)", scaling_lr, retrain),
        ExplorerCase("MinibatchExplorer: epoch slider", minibatch("epoch"), redraw),
        ExplorerCase("MinibatchExplorer: lr slider (retrains)", minibatch("lr"), retrain),
        ExplorerCase(
            "MinibatchExplorer: the two smallest batches offered (retrains)", minibatch("smallest"), retrain
        ),
        ExplorerCase("MinibatchExplorer: full batch ↔ the smallest (retrains)", minibatch("full"), retrain),
    ]


def run_explorer_case(case, small, big, repeats, min_seconds):
    """Time one control at n = 200 and n = 10^5 in alternation; the table row and whether
    the large case is within its limit."""
    at_small, at_big = case.setup(*small), case.setup(*big)
    t_small, t_big, _ = measure_side_by_side(at_small, at_big, repeats, min_seconds)
    passed = t_big <= case.max_seconds
    cells = [
        case.name,
        format_seconds(t_small),
        format_seconds(t_big),
        f"≤ {format_seconds(case.max_seconds)} {'ok' if passed else 'FAIL'}",
    ]
    return "| " + " | ".join(cells) + " |", passed


def nbval_suite_seconds():
    """Wall time of every notebook under strict nbval (one run)."""
    root = Path(__file__).resolve().parent.parent
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            str(root / "notebooks"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    return seconds, summary, done.returncode == 0


def run_case(case, repeats, min_seconds):
    """Time one case; return its table row and whether it passed."""
    if case.reference is None:
        ours = measure(case.ours, repeats, min_seconds)
        passed = case.max_seconds is None or ours <= case.max_seconds
        required = "" if case.max_seconds is None else f"≤ {case.max_seconds:g} s"
        cells = [case.name, format_seconds(ours), "—", "—", required]
    else:
        ours, reference, ratio = measure_side_by_side(case.ours, case.reference, repeats, min_seconds)
        passed = case.required_ratio is None or ratio >= case.required_ratio
        required = "" if case.required_ratio is None else f"≥ {case.required_ratio:g}×"
        cells = [
            case.name,
            format_seconds(ours),
            format_seconds(reference),
            f"{ratio:.{1 if ratio < 100 else 0}f}×",
            required,
        ]
    if cells[4]:
        cells[4] += " ok" if passed else " FAIL"
    return "| " + " | ".join(cells) + " |", passed


def machine_description():
    """One line naming the platform, the CPU and the versions that matter."""
    cpu = platform.processor() or platform.machine()
    try:  # Linux names the CPU model here; elsewhere keep the short name
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"{platform.platform()}, {cpu}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )


def main(argv=None):
    """Run every case, print the table and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    parser.add_argument("--no-nbval", action="store_true", help="skip timing the notebook suite under nbval")
    parser.add_argument("--no-explorers", action="store_true", help="skip the explorer rows")
    parser.add_argument("--no-core", action="store_true", help="skip the core rows (gradient descent, …)")
    parser.add_argument("--only", default="", help="explorer rows whose name contains this text")
    args = parser.parse_args(argv)
    repeats, min_seconds = (3, 0.02) if args.quick else (7, 0.2)

    print(f"Machine: {machine_description()}")
    print(f"Timing: median of {repeats} repeats, each at least {min_seconds:g} s\n")
    all_passed = True
    if not args.no_core:
        cases, checks = build_cases()
        for message, passed in checks:
            print(("ok   " if passed else "FAIL ") + message)
            all_passed &= passed

        print("\n| what | ours | reference | ratio | required |")
        print("|---|---|---|---|---|")
        for case in cases:
            row, passed = run_case(case, repeats, min_seconds)
            print(row, flush=True)
            all_passed &= passed
    if not args.no_explorers:
        small = linreg_core.load_xy(linreg_core.DATA_DIR / "classic.csv")
        print(
            f"\nEvery explorer, one control change → PNG, at n = {small[0].size} and n = {BIG_N:,} "
            "(timed in alternation)"
        )
        print(f"\n| explorer: control | n = {small[0].size} | n = {BIG_N:,} | limit at n = {BIG_N:,} |")
        print("|---|---|---|---|")
        for case in explorer_cases():
            if args.only and args.only not in case.name:
                continue
            row, passed = run_explorer_case(case, small, big_data(), repeats, min_seconds)
            print(row, flush=True)
            all_passed &= passed
    if not args.no_nbval:
        seconds, summary, passed = nbval_suite_seconds()
        print(
            f"| notebook suite under strict nbval (one run: {summary}) | {seconds:.1f} s "
            f"| — | — | {'passes' if passed else 'FAIL'} |"
        )
        all_passed &= passed
    print("\nAll requirements met." if all_passed else "\nSome requirements were NOT met.")
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main())
