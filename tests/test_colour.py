"""Colour-blind-safe pictures (issue 18): the series a student must tell apart stay apart.

Each colour is passed through a simulation of deuteranopia, protanopia and tritanopia
(Machado, Oliveira & Fernandes 2009, severity 100, as implemented by the ``colorspacious``
package) and compared in CIELAB: two series drawn in the same axes must stay at least
:data:`MIN_DELTA_E` apart (ΔE*ab, 1976) in normal vision and in each simulation. For scale:
ΔE ≈ 2 is just noticeable; ``tab:red`` and ``tab:green`` (the old MSE and MAE lines) are
7 apart under deuteranopia, which is the "same olive" a reviewer saw. Series that are lines
must also differ in line style or marker, so they stay apart without colour at all.

The figures checked are the artists of every explorer (at its first frame and after a move)
and of every static figure function of ``linreg_widgets``: their legend entries, per axes.
"""

import itertools
import re
from pathlib import Path

import colorspacious  # requirements-dev.txt
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import Collection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D

import linreg_core as lc
import linreg_widgets as lw

ROOT = Path(__file__).resolve().parents[1]
#: The smallest CIELAB distance between two series' colours, in every vision simulated.
MIN_DELTA_E = 20.0
#: Normal vision (None) and the three dichromacies, as colorspacious names them.
VISIONS = (None, "deuteranomaly", "protanomaly", "tritanomaly")


def simulate(rgb, vision):
    """``rgb`` (sRGB, 0–1) as seen with ``vision`` (None: unchanged)."""
    rgb = np.asarray(rgb, float)
    if vision is None:
        return rgb
    space = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
    return np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0, 1)


def delta_e(rgb_a, rgb_b):
    """CIELAB ΔE*ab (1976) between two sRGB colours."""
    lab_a, lab_b = (
        colorspacious.cspace_convert(np.asarray(c, float), "sRGB1", "CIELab") for c in (rgb_a, rgb_b)
    )
    return float(np.linalg.norm(lab_a - lab_b))


def on_white(color, alpha=None):
    """The colour as drawn over a white background (with its alpha)."""
    r, g, b, a = to_rgba(color)
    a = a if alpha is None else alpha
    return np.array([r, g, b]) * a + (1 - a)


def closest(color_a, color_b):
    """(ΔE, vision) of the vision in which the two colours come closest."""
    return min((delta_e(simulate(color_a, v), simulate(color_b, v)), v or "normal") for v in VISIONS)


# --------------------------------------------------------------------------
# The measure itself: it separates what it should and rejects the old colours
# --------------------------------------------------------------------------


def test_the_simulation_is_not_the_identity_and_keeps_greys():
    """Red and green move under deuteranopia; a grey does not move (a hand-checkable fixed point)."""
    red = on_white("tab:red")
    assert delta_e(red, simulate(red, "deuteranomaly")) > 10
    for grey in (0.0, 0.5, 1.0):
        for vision in VISIONS:
            np.testing.assert_allclose(simulate([grey] * 3, vision), [grey] * 3, atol=0.01)


def test_delta_e_of_black_and_white_is_100():
    """L* runs from 0 (black) to 100 (white): their distance is 100 by definition."""
    assert delta_e([0, 0, 0], [1, 1, 1]) == pytest.approx(100, abs=0.01)


@pytest.mark.parametrize(
    "old_a, old_b, vision",
    [
        ("tab:red", "tab:green", "deuteranomaly"),  # 01's old MSE and MAE lines: "the same olive"
        ("tab:orange", "tab:green", "protanomaly"),  # 03's old three-runs plot: "two close yellows"
    ],
)
def test_the_old_colour_pairs_fail_the_check(old_a, old_b, vision):
    """The check can fail: the pairs the reviewers could not tell apart are below the threshold."""
    distance, worst = closest(on_white(old_a), on_white(old_b))
    assert distance < MIN_DELTA_E
    assert delta_e(simulate(on_white(old_a), vision), simulate(on_white(old_b), vision)) < MIN_DELTA_E
    # ... while in normal vision they are far apart: only a simulation finds the problem.
    assert delta_e(on_white(old_a), on_white(old_b)) > 3 * MIN_DELTA_E


# --------------------------------------------------------------------------
# The palette
# --------------------------------------------------------------------------

#: Roles that are drawn together in one axes somewhere in the collection.
DRAWN_TOGETHER = [
    ("data", "line"),
    ("data", "mae"),
    ("data", "outlier"),
    ("line", "mae"),
    ("line", "outlier"),
    ("mae", "outlier"),
    ("curve", "guide"),
    ("line", "guide"),
    ("curve", "line"),
    ("best", "line"),
    ("best", "path"),
    ("line", "path"),
]


def test_the_palette_is_okabe_ito():
    okabe_ito = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert set(lw.OKABE_ITO.values()) == okabe_ito
    for role, color in lw.PALETTE.items():
        assert color in okabe_ito or role == "path", role  # the path is white, on the loss map only
    for style in lw.SERIES:
        assert style["color"] in okabe_ito


@pytest.mark.parametrize("role_a, role_b", DRAWN_TOGETHER)
def test_palette_roles_drawn_together_stay_apart(role_a, role_b):
    distance, vision = closest(on_white(lw.PALETTE[role_a]), on_white(lw.PALETTE[role_b]))
    assert distance >= MIN_DELTA_E, f"{role_a} and {role_b}: ΔE {distance:.1f} in {vision} vision"


def test_series_styles_stay_apart_in_colour_and_in_shape():
    for a, b in itertools.combinations(lw.SERIES, 2):
        distance, vision = closest(on_white(a["color"]), on_white(b["color"]))
        assert distance >= MIN_DELTA_E, (a, b, vision, distance)
        assert a["ls"] != b["ls"] and a["marker"] != b["marker"]


# --------------------------------------------------------------------------
# Every explorer and static figure: the series of each axes
# --------------------------------------------------------------------------


def _no_line(style):
    return style in ("None", "none", "", " ")


def _series_of(artist):
    """(drawn colour on white, shape) of a legend entry; shape tells series apart without colour."""
    if isinstance(artist, Line2D):
        if _no_line(artist.get_linestyle()):
            color = artist.get_markerfacecolor()
        else:
            color = artist.get_color()
        return on_white(color, artist.get_alpha()), ("line", artist.get_linestyle(), artist.get_marker())
    if isinstance(artist, Collection):
        faces = artist.get_facecolor()
        color = faces[0] if len(faces) else artist.get_edgecolor()[0]
        paths = artist.get_paths()
        shape = (type(artist).__name__, len(paths[0].vertices) if paths else 0)
        return on_white(color, artist.get_alpha()), shape
    return None


def _axes_series(fig):
    """{axes index: [(label, colour, shape), …]} of every axes' labelled artists."""
    found = {}
    for i, ax in enumerate(fig.axes):
        entries = []
        for handle, label in zip(*ax.get_legend_handles_labels()):
            series = _series_of(handle)
            if series is not None and handle.get_visible():
                entries.append((label, *series))
        if len(entries) > 1:
            found[i] = entries
    return found


def _explorers(x, y):
    """Every registered explorer (lw.EXPLORERS), typical and moved once, and the states that add
    artists of their own: a zigzag and a diverged run, the slope without its tangent, an outlier
    far to the right."""
    made = {}
    for name, entry in lw.EXPLORERS.items():
        made[name] = entry.make(x, y)
        entry.move(made[name])
    bound = lc.stable_learning_rate(x)
    diverging = lw.StepExplorer(x, y, lr=1.1 * bound)
    for _ in range(5):
        diverging.step10_button.click()
    zigzag = lw.StepExplorer(x, y, lr=2.5e-4)
    zigzag.step10_button.click()
    trained = lw.TrainingExplorer(x, y, lr=1e-4)
    trained.epoch_slider.value = 40
    return {
        **made,
        "SlopeExplorer(no tangent)": lw.SlopeExplorer(x, y),
        "StepExplorer(zigzag)": zigzag,
        "StepExplorer(diverged)": diverging,
        "TrainingExplorer(epoch 40)": trained,
        "TrainingExplorer(diverged)": lw.TrainingExplorer(x, y, lr=1.1 * bound),
        "OutlierExplorer(far right)": lw.OutlierExplorer(x, y, outlier_x=100, outlier_y=0),
        "ScalingExplorer(raw x)": lw.ScalingExplorer(x, y),
    }


def _static_figures(x, y):
    run = lc.gradient_descent(x, y, 1e-4, 100)
    figures = {
        "plot_fit": lw.plot_fit(x, y, 1.0, 5.0).figure,
        "plot_loss_surface": lw.plot_loss_surface(x, y, path=(run.ms, run.bs)).figure,
        "plot_loss_bowl": lw.plot_loss_bowl(x, y, point=(0.5, 20.0)).figure,
        "plot_course_map": lw.plot_course_map(),
    }
    fig, (ax_raw, ax_scaled) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    x_s = (x - x.mean()) / x.std()
    scaled = lc.gradient_descent(x_s, y, 0.3, 30)
    lw.draw_scaling_contours(ax_raw, ax_scaled, x, y, paths=[(run.ms, run.bs), (scaled.ms, scaled.bs)])
    figures["draw_scaling_contours"] = fig
    figures.update(_lesson_figures(x, y))
    return figures


def _lesson_figures(x, y):
    """The figures of the lesson helpers (``lw.show_…``, notebooks 01–04) that exist."""
    m_best, b_best = lc.closed_form(x, y)
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[:150], order[150:]
    calls = {
        "show_fit": lambda: lw.show_fit(x, y, 0.5, 20.0),
        "show_tangents": lambda: lw.show_tangents(x, y, b_best, [0.2, m_best, 1.7]),
        "show_step": lambda: lw.show_step(x, y, (0.0, 0.0), (0.5, 0.01)),
        "show_three_runs": lambda: lw.show_three_runs(x, y),
        "show_valley_cuts": lambda: lw.show_valley_cuts(x, y),
        "show_split": lambda: lw.show_split(x[train], y[train], x[test], y[test]),
    }
    figures = {}
    for name, call in calls.items():
        if not hasattr(lw, name):
            continue
        before = set(plt.get_fignums())
        call()
        for number in sorted(set(plt.get_fignums()) - before):
            figures[f"{name} (figure {number})"] = plt.figure(number)
    return figures


@pytest.fixture(scope="module")
def every_figure():
    x, y = lc.load_xy(lc.DATA_DIR / "classic.csv")
    explorers = _explorers(x, y)
    figures = {name: e.fig for name, e in explorers.items()}
    static = _static_figures(x, y)
    figures.update(static)
    yield figures
    for fig in static.values():
        plt.close(fig)


@pytest.mark.slow
def test_the_figures_have_series_to_compare(every_figure):
    """The check below looks at something: most figures have axes with two or more series."""
    with_series = [name for name, fig in every_figure.items() if _axes_series(fig)]
    assert len(with_series) >= 12, with_series


def test_series_in_one_axes_stay_apart_in_every_colour_vision(every_figure):
    """Colours that differ (in normal vision) keep differing in every simulated vision.

    Artists of one colour belong together on purpose (the current point and its tangent,
    the start of a path and the path); they are told apart by shape, checked below.
    """
    failures = []
    for name, fig in every_figure.items():
        for i, entries in _axes_series(fig).items():
            for (label_a, color_a, _), (label_b, color_b, _) in itertools.combinations(entries, 2):
                if delta_e(color_a, color_b) < 1:  # the same colour: one thing, drawn twice
                    continue
                distance, vision = closest(color_a, color_b)
                if distance < MIN_DELTA_E:
                    failures.append(
                        f"{name}, axes {i}: {label_a!r} / {label_b!r}: ΔE {distance:.1f} ({vision})"
                    )
    assert not failures, "\n".join(failures)


def test_series_in_one_axes_differ_in_style_or_marker_too(every_figure):
    """Two series of one axes never have the same shape (line style, marker, kind of artist)."""
    failures = []
    for name, fig in every_figure.items():
        for i, entries in _axes_series(fig).items():
            for (label_a, _, shape_a), (label_b, _, shape_b) in itertools.combinations(entries, 2):
                if shape_a == shape_b:
                    failures.append(f"{name}, axes {i}: {label_a!r} / {label_b!r} both {shape_a}")
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------
# The live path's code uses the palette
# --------------------------------------------------------------------------

#: Matplotlib colours that are not in the palette and that the old pictures used.
OFF_PALETTE = re.compile(r"""["'](tab:[a-z]+|goldenrod|darkorange|gold|red|green)["']""")


@pytest.mark.parametrize(
    "path",
    [
        *(f"linreg_widgets/{p.name}" for p in sorted((ROOT / "linreg_widgets").glob("*.py"))),
        *(f"notebooks/sources/{p.name}" for p in sorted((ROOT / "notebooks/sources").glob("0[0-4]_*.md"))),
    ],
)
def test_the_live_path_draws_with_the_palette(path):
    """The package and notebooks 00–04 name no colour outside the Okabe–Ito palette."""
    text = (ROOT / path).read_text(encoding="utf-8")
    found = sorted({m.group(1) for m in OFF_PALETTE.finditer(text)})
    assert not found, f"{path} uses {found}: use lw.PALETTE or lw.SERIES instead"
