"""Explorers drawn in the browser: the kernel draws what stays put once, the browser the rest.

A :class:`BrowserExplorer` is an :class:`~linreg_widgets.explorer.Explorer` whose picture is one
custom widget, :class:`BrowserPicture` (anywidget). The kernel draws the still picture (axes,
contours, colour bar, bowl) once with matplotlib and sends it with what the browser needs to draw
the rest: the data (or a seeded sample and the exact sums), each panel's data→pixel mapping
(from matplotlib's transforms) and the star. The browser (``browser.js``, shipped in this
package: no CDN) draws the moving parts in SVG over the still picture and computes the readouts
on every slider move, with no round trip to the kernel.

The controls are ipywidgets models that the browser draws as native, named controls (the shown
value read out, the keyboard): a ``FloatSlider`` as a range input (``explorer.m_slider.value``
follows a drag, at most a few times a second, and setting it from code moves the picture), a
``Checkbox`` as a checkbox, a ``SelectionSlider`` as radio buttons, a ``Button`` as a button
(what it does is the drawing's; what the browser and the kernel both change is the view's
``state``). A move costs the kernel only the update of the matplotlib artists (for
:meth:`Explorer.picture`): no picture is drawn or sent.
"""

import base64
import math
import warnings
from pathlib import Path
from types import SimpleNamespace

import anywidget
import ipywidgets as widgets
import traitlets
from ipywidgets import widget_serialization
from matplotlib.colors import to_hex

from .explorer import Explorer, png_bytes
from .style import DPI

#: The browser's script and style sheet, shipped inside this package.
ASSETS = Path(__file__).resolve().parent


class BrowserPicture(anywidget.AnyWidget):
    """The still picture, its controls, the readout and the moving parts drawn in the browser."""

    _esm = (ASSETS / "browser.js").read_text(encoding="utf-8")
    _css = (ASSETS / "browser.css").read_text(encoding="utf-8")

    #: The still picture, a PNG data URL, sent once.
    still = traitlets.Unicode("").tag(sync=True)
    #: What the browser draws over it (see :meth:`BrowserExplorer.browser_spec`).
    spec = traitlets.Dict().tag(sync=True)
    #: The controls, drawn by the browser (range inputs, checkboxes, radio buttons, buttons);
    #: their values are the explorer's.
    controls = traitlets.List(traitlets.Instance(widgets.Widget)).tag(sync=True, **widget_serialization)
    #: What the browser and the kernel both change (e.g. the StepExplorer's steps taken).
    state = traitlets.Dict().tag(sync=True)


class _Layer:
    """A picture made on demand (the browser draws the live one): ``value`` is its PNG."""

    def __init__(self, draw):
        self._draw = draw

    @property
    def value(self):
        return self._draw()


def affine(ax):
    """The data→pixel mapping of a linear 2-D axes, as ``[sx, sy, tx, ty]`` in the picture's
    pixels (origin at the top left, y down): ``px = sx·x + tx``, ``py = sy·y + ty``."""
    if ax.name == "rectilinear" and (ax.get_xscale(), ax.get_yscale()) != ("linear", "linear"):
        raise ValueError("only linear axes can be mapped to pixels by the browser")
    (sx, kx, tx), (ky, sy, ty), _ = ax.transData.get_affine().get_matrix()
    if kx or ky:
        raise ValueError("a rotated or sheared axes cannot be mapped to pixels by the browser")
    height = ax.figure.bbox.height
    return [float(sx), float(-sy), float(tx), float(height - ty)]


def semilog_affine(ax):
    """The data→pixel mapping of a 2-D axes with a logarithmic y axis, as ``[sx, sy, tx, ty]``
    for ``(x, log10(y))``: ``px = sx·x + tx``, ``py = sy·log10(y) + ty`` (origin at the top left)."""
    if (ax.get_xscale(), ax.get_yscale()) != ("linear", "log"):
        raise ValueError("semilog_affine maps an axes with a linear x axis and a log y axis")
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    (X0, Y0), (X1, Y1) = ax.transData.transform([(x0, y0), (x1, y1)])
    height = ax.figure.bbox.height
    sx, sy = (X1 - X0) / (x1 - x0), -(Y1 - Y0) / (math.log10(y1) - math.log10(y0))
    return [float(sx), float(sy), float(X0 - sx * x0), float(height - Y0 - sy * math.log10(y0))]


def box(ax):
    """The axes' frame in the picture's pixels, ``[left, top, width, height]`` (for clipping)."""
    x0, y0, x1, y1 = ax.bbox.extents
    height = ax.figure.bbox.height
    return [float(x0), float(height - y1), float(x1 - x0), float(y1 - y0)]


def panel_limits(ax):
    """A 2-D panel for the browser: its mapping, its frame and its limits (x and y)."""
    return {
        "map": affine(ax),
        "box": box(ax),
        "xlim": finite_numbers(ax.get_xlim()),
        "ylim": finite_numbers(ax.get_ylim()),
    }


def finite_numbers(values):
    """``values`` as a list of floats for the browser (JSON), refusing nan and infinity."""
    values = [float(v) for v in values]
    if not all(math.isfinite(v) for v in values):
        raise ValueError("the browser can only be sent finite numbers")
    return values


def data_url(png):
    """A PNG as a data URL, for the browser."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def line_style(line):
    """A matplotlib line's look for the browser: colour, width and dashes (points)."""
    offset, dashes = line._dash_pattern  # in points, scaled by the width as matplotlib draws them
    return {
        "color": to_hex(line.get_color()),
        "width": float(line.get_linewidth()),
        "dashes": finite_numbers(dashes or []),
        "offset": float(offset or 0.0),
    }


def marker_style(line):
    """A matplotlib marker's look for the browser: size and edge width (points), colours."""
    return {
        "size": float(line.get_markersize()),
        "fill": to_hex(line.get_markerfacecolor()),
        "edge": to_hex(line.get_markeredgecolor()),
        "edge_width": float(line.get_markeredgewidth()),
    }


class BrowserExplorer(Explorer):
    """An explorer whose moving parts and readout the browser draws (see the module's text).

    Subclasses build the figure and its moving artists as for :class:`Explorer` (``update`` keeps
    them right for :meth:`picture`, the saved first frame) and add :meth:`browser_spec`: what the
    browser needs to draw the same moving parts. The controls given are the ones the browser draws.
    """

    #: The name of the drawing in ``browser.js`` (its ``KINDS`` table).
    kind = None
    #: Whether a new still picture (after :meth:`invalidate_background`) is sent to the browser;
    #: False where the browser redraws what changes itself (the StepExplorer's step axis).
    resend_still = True

    def _layout(self, controls):
        self.readout = SimpleNamespace(value="")  # the kernel's text of the readout (for code)
        with warnings.catch_warnings():  # ipywidgets 7.7.0 asks old traitlets for a tag anywidget adds
            warnings.filterwarnings("ignore", "Deprecated in traitlets 4.1", DeprecationWarning)
            self.view = BrowserPicture(controls=list(controls))
        self._still = None
        self.background = _Layer(self._still_png)
        self.image = _Layer(self._moving_png)
        return [self.view]

    def render(self):
        """Nothing to draw on a move (the browser does it); the first time, the still picture."""
        if self._background is None:
            self._draw_background()
            self._still = png_bytes(self.fig.canvas)
            if self.view.still and not self.resend_still:
                return
            size = list(self.fig.canvas.get_width_height())  # the still picture's pixels
            self.view.spec = dict(self.browser_spec(), kind=self.kind, size=size, dpi=DPI)
            self.view.still = data_url(self._still)

    def _still_png(self):
        if self._background is None:
            self.render()
        return self._still

    def _moving_png(self):
        """The moving artists alone, on a transparent canvas: what the browser draws."""
        if self._background is None:
            self.render()
        canvas = self.fig.canvas
        canvas.get_renderer().clear()
        for artist in self._moving:
            self.fig.draw_artist(artist)
        return png_bytes(canvas)

    def browser_spec(self):
        raise NotImplementedError

    def _free(self):
        view = getattr(self, "view", None)
        if view is not None:
            view.still = ""  # closed first (by the base), so nothing is sent to the page
        super()._free()
        self._still = None
