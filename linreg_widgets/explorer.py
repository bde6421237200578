"""The explorer framework: the ``Explorer`` base class and the controls the explorers share.

An explorer is an ``ipywidgets.VBox`` holding one picture with its controls and readout: a
matplotlib figure rendered off-screen (Agg), so it works the same in JupyterLab, on Colab
(ipywidgets 7.7) and with the plain inline backend, with no ipympl. The kernel draws what stays
put once; what moves (the line, a marker, a path) is drawn in the browser
(:class:`~linreg_widgets.browser.BrowserExplorer`, the layout of every explorer). The kernel keeps
its moving artists right too: they give the saved first frame (:meth:`Explorer.picture`).

Explorers free themselves: re-running the cell that made one closes the explorer the cell made
before (its widgets, observers and figure), and :meth:`Explorer.close` does it by hand. A cell
is known by its id (JupyterLab, Notebook 7, VS Code) or, where the frontend sends none (Colab,
the classic Notebook), by its text. Each explorer keeps a read-only copy of its data
(:func:`data_copy`), so changing ``x`` afterwards (``x /= 10``) does not change an explorer
already shown.
"""

import base64
import io
import math
import weakref

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import linreg_core as lc
import linreg_validation as lv

from .figures import add_colorbar, draw_data, draw_loss_contour
from .maths import LineLoss
from .style import (
    CURRENT_MARKER,
    DPI,
    EXPLORER_STYLE,
    FIGSIZE,
    GUIDE_COLOR,
    LINE_COLOR,
    MAX_WIDTH_PX,
    MIN_FONT_PT,
    PATH_COLOR,
    kernel_shell,
    readable,
    style_axes,
    styled,
)

# --------------------------------------------------------------------------
# The base class: a figure, its panels and what moves on it
# --------------------------------------------------------------------------


#: The explorers' readout text is this much larger than the widgets' default (13 px), to read
#: from the back of a room (``.lw-readout`` in browser.css).
READOUT_SCALE = 1.2


def data_copy(x, y):
    """``x`` and ``y`` checked (:func:`linreg_validation.valid_xy`), as read-only copies: an
    explorer keeps its own data, so a later ``x /= 10`` does not change what it shows."""
    x, y = lv.valid_xy(x, y)
    x, y = x.copy(), y.copy()
    x.flags.writeable = y.flags.writeable = False
    return x, y


#: The notebook cell running now: its key (the cell's id, or its text where the frontend sends
#: no id) and a count of cells run, set by IPython's ``pre_run_cell`` event (see _cell_started).
_CELL = {"key": None, "run": 0}
#: For each cell key: the run that made explorers, and weak references to them.
_EXPLORERS_BY_CELL = {}


def _cell_started(info):
    """IPython's ``pre_run_cell`` event: note which cell runs now.

    JupyterLab, Notebook 7 and VS Code send the cell's id; other frontends (Colab, the
    classic Notebook, nbclient) do not, and the cell is then known by its text.
    """
    _CELL["run"] += 1
    _CELL["key"] = getattr(info, "cell_id", None) or getattr(info, "raw_cell", None)


def _watch_cells():
    """Register :func:`_cell_started` with the kernel's IPython, once (also after a re-import)."""
    shell = kernel_shell()
    if shell is None:
        return
    callbacks = shell.events.callbacks["pre_run_cell"]
    for callback in list(callbacks):
        if getattr(callback, "__qualname__", "") == "_cell_started" and callback.__module__ == __name__:
            shell.events.unregister("pre_run_cell", callback)
    shell.events.register("pre_run_cell", _cell_started)


_watch_cells()


def _claim_cell(explorer):
    """Record ``explorer`` as made by the cell running now, and close the explorers that an
    earlier run of the same cell made: re-running an explorer's cell frees the old one."""
    key = _CELL["key"]
    if key is None:  # not in a kernel (a script, a test): nothing is re-run
        return
    run, made = _EXPLORERS_BY_CELL.get(key, (None, []))
    if run != _CELL["run"]:
        for ref in made:
            old = ref()
            if old is not None:
                old.close()
        made = []
    made.append(weakref.ref(explorer))
    _EXPLORERS_BY_CELL[key] = (_CELL["run"], made)


def _widget_tree(widget):
    """``widget`` and every widget inside it: children at any depth, and the ``layout`` and
    ``style`` widgets of each (widgets of their own, which closing their owner leaves open)."""
    found, todo = [], [widget]
    while todo:
        w = todo.pop()
        if any(w is seen for seen in found):
            continue
        found.append(w)
        parts = [*getattr(w, "children", ()), getattr(w, "layout", None), getattr(w, "style", None)]
        parts += getattr(w, "controls", ())  # a browser-drawn picture's own controls (.browser)
        todo.extend(part for part in parts if isinstance(part, widgets.Widget))
    return found


class Explorer(widgets.VBox):
    """Controls, a readout and a figure whose still part is drawn once.

    Subclasses build ``self.fig`` (a plain ``matplotlib.figure.Figure``),
    mark the artists that change with :meth:`moving`, and implement
    :meth:`update`, which sets their data and the readout text. Their
    ``__init__`` runs under :data:`EXPLORER_STYLE` (see ``__init_subclass__``).

    One legend, below the panels, lists the labelled artists of every panel in
    :attr:`legend_axes` (in that order): it never covers a point or a curve.

    How it is shown (``_layout``) and drawn (``render``) is the browser's:
    :class:`~linreg_widgets.browser.BrowserExplorer`, the base of every explorer.
    """

    description = "interactive plot"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = styled(cls.__init__, EXPLORER_STYLE)

    def __init__(self, controls, figsize=FIGSIZE):
        if figsize[0] * DPI > MAX_WIDTH_PX:
            raise ValueError(f"an explorer figure may be at most {MAX_WIDTH_PX} px wide, got {figsize}")
        self.fig = Figure(figsize=figsize, dpi=DPI, layout="constrained", facecolor="white")
        FigureCanvasAgg(self.fig)
        self._moving, self._background, self.legend_axes = [], None, []
        self._shown_pictures = []  # base64 PNGs given to IPython with the widget (see close)
        self._edge_notes = {}  # marker -> its note, shown when the point has left the panel
        #: Axes that change on retraining (e.g. a loss curve's limits): see invalidate_background.
        self.redrawn_axes = ()
        self._under = None  # the background without the redrawn axes
        super().__init__(self._layout(controls))

        _claim_cell(self)

    def _layout(self, controls):
        """The widgets shown (see :class:`~linreg_widgets.browser.BrowserExplorer`)."""
        raise NotImplementedError

    def close(self):
        """Free the explorer: close its widgets, unhook their observers, drop its figure.

        Re-running the cell that made an explorer calls this for the old one. A closed
        explorer shows nothing and cannot be used again: make a new one.
        """
        if not getattr(self, "_closed", False):  # ipywidgets also calls close() when it is deleted
            self._closed = True
            self._forget_pictures()
            self._free()
            layout = self.layout
            super().close()
            layout.close()
            self.children = ()  # after close: nothing is sent to the page
        else:
            super().close()

    def _free(self):
        own = [value for value in vars(self).values() if isinstance(value, widgets.Widget)]
        for widget in _widget_tree(self) + own:
            if widget is self:
                continue
            widget.unobserve_all()
            if isinstance(widget, widgets.Button):
                widget._click_handlers.callbacks.clear()
            widget.close()
        # The figure is not pyplot's (no window, no registry): dropping it frees it.
        self._moving, self._edge_notes, self.legend_axes = [], {}, []
        self._background = self._under = None
        # The figure, its artists and arrays: dropped, so that a closed explorer still held by
        # the notebook's Out history (it was a cell's result) keeps next to nothing alive.
        heavy = (Figure, Artist, np.ndarray, LineLoss)
        for name, value in list(vars(self).items()):
            parts = (
                value.values()
                if isinstance(value, dict)
                else value
                if isinstance(value, (list, tuple))
                else ()
            )
            if isinstance(value, heavy) or any(isinstance(part, heavy) for part in parts):
                delattr(self, name)
        self.redrawn_axes = ()
        self.fig = None
        self.unobserve_all()
        for name, value in list(vars(self).items()):
            if isinstance(value, widgets.Widget):
                delattr(self, name)

    def __repr__(self):
        # Shown where widgets cannot render (GitHub, a closed kernel): keep it useful and stable.
        return f"{type(self).__name__}: {self.description} (run the notebook to use it)"

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a PNG of its first frame for places without a kernel.

        A frontend shows one format per output: JupyterLab and VS Code the live widget
        when the notebook runs; GitHub, nbviewer and a just-opened (untrusted) notebook
        the picture. ipywidgets 7 (Colab) displays widgets through ``_ipython_display_``
        and never calls this, so Colab gets the widget alone.
        """
        parent = getattr(super(), "_repr_mimebundle_", None)  # absent in ipywidgets 7
        bundle = parent(**kwargs) if parent else None
        if bundle is not None and self.fig is not None:
            self._shown_pictures.append(base64.b64encode(self.picture()).decode("ascii"))
            bundle["image/png"] = self._shown_pictures[-1]
        return bundle

    def _forget_pictures(self):
        """Drop this explorer's pictures from IPython's record of outputs (IPython 9 keeps every
        output's data for ever: about 0.2 MB per run of an explorer cell)."""
        shell, shown = kernel_shell(), getattr(self, "_shown_pictures", [])
        outputs = getattr(getattr(shell, "history_manager", None), "outputs", None)
        if not shown or not isinstance(outputs, dict):
            return
        for records in outputs.values():
            for record in records:
                bundle = getattr(record, "bundle", None)
                if isinstance(bundle, dict) and any(bundle.get("image/png") is png for png in shown):
                    del bundle["image/png"]
        shown.clear()

    # -- panels: each builder draws what stays put and returns what moves ----------

    def fit_panel(self, ax, title, xlabel="x", ylabel="y", label="current line"):
        """The data with an (empty) moving line; :meth:`set_line` moves it."""
        draw_data(ax, self.x, self.y, xlabel, ylabel)
        ax.set_title(title)
        self._x_ends = np.array(ax.get_xlim())
        self.legend_axes.append(ax)
        self.line = self.moving(ax.plot([], [], color=LINE_COLOR, lw=2, label=label)[0])
        return self.line

    def set_line(self, m, b):
        self.line.set_data(self._x_ends, m * self._x_ends + b)

    def contour_panel(self, ax, m_values, b_values, title, colorbar=True):
        """The loss contour of the data over the grid, with its colour bar."""
        filled = draw_loss_contour(ax, self.x, self.y, m_values, b_values)
        if colorbar:
            add_colorbar(ax, filled)
        ax.set_title(title)
        self.legend_axes.append(ax)
        return filled

    def add_path(self, ax, style, lw, ms=4, label="path"):
        """A moving path of ``(m, b)`` on a contour panel."""
        return self.moving(ax.plot([], [], style, color=PATH_COLOR, lw=lw, ms=ms, label=label)[0])

    def add_marker(self, ax, label, ms=11):
        """A moving dot (the current ``(m, b)`` or loss); :meth:`place_marker` moves it."""
        marker = self.moving(ax.plot([], [], "o", ms=ms, label=label, **CURRENT_MARKER)[0])
        box = dict(facecolor="white", edgecolor=LINE_COLOR, alpha=0.9, boxstyle="round,pad=0.2")
        self._edge_notes[marker] = self.moving(ax.text(0, 0, "", fontsize=MIN_FONT_PT, bbox=box))
        return marker

    def place_marker(self, marker, x, y, note="off the map"):
        """Put ``marker`` (from :meth:`add_marker`) at ``(x, y)``; True if that is inside its panel.

        A point outside the panel is drawn at the edge it left by, as an arrowhead
        pointing the way it went, with ``note`` (e.g. "diverged") written beside it.
        """
        ax, text = marker.axes, self._edge_notes[marker]
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        if not (math.isfinite(x) and math.isfinite(y)):
            marker.set_data([], [])
            text.set_text("")
            return False
        if x0 <= x <= x1 and y0 <= y <= y1:
            marker.set_marker("o")
            marker.set_data([x], [y])
            text.set_text("")
            return True
        pad_x, pad_y = 0.035 * (x1 - x0), 0.05 * (y1 - y0)
        ex, ey = min(max(x, x0 + pad_x), x1 - pad_x), min(max(y, y0 + pad_y), y1 - pad_y)
        ha = "left" if ex < (x0 + x1) / 2 else "right"
        if x > x1 or x < x0:  # out through a side: the note above or below the arrowhead,
            shape = ">" if x > x1 else "<"  # away from the middle, where the star usually is
            below = ey < (y0 + y1) / 2 if y0 + 3 * pad_y < ey < y1 - 3 * pad_y else ey > (y0 + y1) / 2
            tx, ty, va = ex, ey - 1.5 * pad_y if below else ey + 1.5 * pad_y, "top" if below else "bottom"
        else:  # out through the top or bottom: the note below or above it
            shape = "^" if y > y1 else "v"
            tx, ty, va = ex, ey - pad_y if y > y1 else ey + pad_y, "top" if y > y1 else "bottom"
        marker.set_marker(shape)
        marker.set_data([ex], [ey])
        text.set_text(f"{note} {dict(zip('><^v', '→←↑↓'))[shape]}")
        text.set_position((tx, ty))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        return False

    def loss_curve_panel(self, ax, title, xlabel, ylabel, floor_label):
        """A log-scaled loss axis with the least-squares floor; returns that floor."""
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_yscale("log")
        style_axes(ax)
        self.legend_axes.append(ax)
        best = lc.mse(self.y, lc.predict(self.x, *lc.closed_form(self.x, self.y)))
        if best > 0:  # an exact fit has MSE 0, which a log axis cannot show
            ax.axhline(best, color=GUIDE_COLOR, ls="--", lw=1.5, label=floor_label)
        return best

    def moving(self, *artists):
        """Register artists that change on every update; returns the first."""
        for artist in artists:
            artist.set_animated(True)
            artist.set_in_layout(False)  # the layout is fixed once, whatever moves
        self._moving.extend(artists)
        return artists[0]

    def refresh(self, change=None):
        """Recompute the moving artists and the readout, then re-render.

        A control set to a number that is not finite (``slider.value = nan``: a slider
        accepts it) is put back to its previous value, and nothing else happens.
        """
        if self._refused(change):
            return
        self.update()
        self.render()

    def _refused(self, change):
        """True (and nothing to do) for a closed explorer or a control set to nan: see :meth:`refresh`."""
        if getattr(self, "_closed", False):
            return True
        if _not_finite(change):
            change["owner"].value = change["old"]  # this change calls the observer again
            return True
        return False

    def invalidate_background(self, *axes):
        """Call after changing anything that is not a moving artist.

        Name the changed ``axes`` when all of them are in :attr:`redrawn_axes`:
        the next render then draws only them over a cached picture of the rest
        of the figure (its layout fixed at the first draw), so a retraining that
        moves a loss curve's limits does not draw the data's scatter again and
        costs the same for any n.
        """
        if not axes or not set(axes) <= set(self.redrawn_axes):
            self._under = None
        self._background = None

    def add_legend(self):
        """The shared legend below the panels, in as few rows as fit the figure's width."""
        handles, labels = [], []
        for ax in self.legend_axes:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                if label not in labels:
                    handles.append(handle)
                    labels.append(label)
        if not handles:
            return None
        renderer = self.fig.canvas.get_renderer()
        for ncols in range(len(handles), 0, -1):
            legend = self.fig.legend(
                handles, labels, loc="outside lower center", ncols=ncols, facecolor="0.72", framealpha=1
            )
            if legend.get_window_extent(renderer).width <= 0.98 * self.fig.bbox.width or ncols == 1:
                return legend
            legend.remove()

    def render(self):
        """Show the current frame (see :class:`~linreg_widgets.browser.BrowserExplorer`)."""
        raise NotImplementedError

    def _draw_background(self):
        """Draw everything that stays put on the canvas, and keep a copy of it (``_background``)."""
        canvas = self.fig.canvas
        with matplotlib.rc_context(EXPLORER_STYLE):  # ticks are made now, from the rcParams
            if self._under is None:
                if not self.fig.legends:
                    self.add_legend()
                canvas.draw()  # animated artists are skipped by a full draw
                if self.redrawn_axes:  # keep the layout; a picture of everything else
                    self.fig.set_layout_engine("none")
                    for ax in self.redrawn_axes:
                        ax.set_visible(False)
                    canvas.draw()
                    for ax in self.redrawn_axes:
                        ax.set_visible(True)
                    self._under = canvas.copy_from_bbox(self.fig.bbox)
            if self._under is not None:
                canvas.restore_region(self._under)
                for ax in self.redrawn_axes:
                    self.fig.draw_artist(ax)  # skips its animated (moving) artists
        self._background = canvas.copy_from_bbox(self.fig.bbox)

    def picture(self):
        """The whole current frame as one PNG: what the two images show together."""
        if self._background is None:
            self.render()
        canvas = self.fig.canvas
        canvas.restore_region(self._background)
        for artist in self._moving:
            self.fig.draw_artist(artist)
        return png_bytes(canvas)

    def update(self):
        raise NotImplementedError


def _not_finite(change):
    """Whether a traitlets ``change`` set a number that is not finite (nan, ±inf)."""
    new = change.get("new") if isinstance(change, dict) else None
    return isinstance(new, (float, np.floating)) and not math.isfinite(new)


def png_bytes(canvas, level=1):
    """An Agg canvas (or an RGBA array, a part of one) as a lossless PNG, by Pillow: RGB when it
    is opaque (every explorer figure has a white background), a quarter less data than RGBA.
    ``level`` is zlib's: 1 is fast, 9 smaller (a picture sent once and kept by the page)."""
    rgba = np.asarray(canvas if isinstance(canvas, np.ndarray) else canvas.buffer_rgba())
    image = Image.fromarray(np.ascontiguousarray(rgba))  # RGBA: height × width × 4 bytes
    if rgba[..., 3].min() == 255:
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="png", compress_level=level)
    return out.getvalue()


# --------------------------------------------------------------------------
# Controls and readout lines the explorers share
# --------------------------------------------------------------------------


def number_slider(description, lo, hi, value, n_steps=200, fmt=".3g"):
    """A slider from ``lo`` to ``hi`` (widened to hold ``value``) in about ``n_steps`` round steps."""
    lo, hi = min(lo, value), max(hi, value)  # a start outside the box widens it
    step = 10 ** math.floor(math.log10((hi - lo) / n_steps))
    # Round ends and start to the step, so the slider lands on round numbers.
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    value = round(value / step) * step
    return widgets.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        readout_format=fmt,
        continuous_update=True,
        layout=widgets.Layout(width="360px"),
    )


def inner_range(values, margin=0.03):
    """The range of ``values`` less a margin: slider ends stay inside the plot."""
    pad = margin * (values[-1] - values[0])
    return values[0] + pad, values[-1] - pad


def log_lr_slider(bounds, value=None):
    """Learning-rate slider on a log scale, spanning every stable bound in ``bounds``.

    The range runs from a tenth of the smallest bound (at least four decades)
    to three times the largest, and always contains ``value``; the default
    value is half the smallest bound.
    """
    value = 0.5 * min(bounds) if value is None else lv.valid_learning_rate(value)
    top = math.ceil(math.log10(max(3 * max(bounds), value)) * 4) / 4
    bottom = min(top - 4, math.floor(math.log10(min(min(bounds) / 10, value)) * 4) / 4)
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=bottom,
        max=top,
        step=0.05,
        description="lr η",
        readout_format=".2r",  # 0.00010 (plain decimals), not 1.00e-4
        layout=widgets.Layout(width="400px"),
    )


#: The learning rates a rate slider offers in each power of ten: round numbers that include every
#: rate the lessons name (0.0001, 0.00025, 0.00035, 0.1, 0.5, 1.2 …), so each is reached exactly.
LR_MANTISSAS = (1, 1.2, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8)


def learning_rate_choices(bound, value=None):
    """Round learning rates around the largest safe one, ``bound``, for a selection slider.

    Every ``LR_MANTISSAS × 10^k`` from ``bound / 50`` (rounded down to one of them)
    up to ``4 × bound`` (rounded up), about 2.3 powers of ten: creeping, smooth,
    zigzag and diverging runs are all a few clicks apart. ``value`` (the default:
    the largest choice at most half the bound) is always one of them, exactly.

    Returns
    -------
    (list of (str, float), float)
        The ``(label, rate)`` options, increasing, and the start value.
    """
    if not (math.isfinite(bound) and bound > 0):
        raise ValueError(f"the largest safe learning rate must be a positive number, got {bound!r}")
    value = None if value is None else lv.valid_learning_rate(value)
    lo, hi = bound / 50, 4 * bound
    if value is not None:
        lo, hi = min(lo, value), max(hi, value)
    ladder = [
        float(f"{mantissa}e{k}")  # exact decimals: 2.5e-4, not 2.5 * 10**-4
        for k in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
        for mantissa in LR_MANTISSAS
    ]
    first = max(i for i, rate in enumerate(ladder) if rate <= lo * (1 + 1e-12))
    last = min(i for i, rate in enumerate(ladder) if rate >= hi * (1 - 1e-12))
    rates = {readable(rate, 3): rate for rate in ladder[first : last + 1]}
    if value is None:
        value = max(rate for rate in rates.values() if rate <= 0.5 * bound)
    rates[readable(value, 3)] = value  # a given rate as it is (it replaces a look-alike)
    return sorted(rates.items(), key=lambda item: item[1]), value


def lr_choice_slider(bound, value=None, rates=None):
    """A slider over :func:`learning_rate_choices`, or over ``rates`` when they are given (a lesson's
    few rates: in the browser each is a radio button): the arrow keys step from one to the next."""
    if rates is None:
        options, value = learning_rate_choices(bound, value)
    else:
        chosen = {lv.valid_learning_rate(rate) for rate in rates}
        value = min(chosen) if value is None else lv.valid_learning_rate(value)
        options = [(readable(rate, 3), rate) for rate in sorted(chosen | {value})]
    return widgets.SelectionSlider(
        options=options,
        value=value,
        description="lr η",
        continuous_update=True,
        layout=widgets.Layout(width="400px"),
    )


def divergence_note(when, advice="Choose a smaller lr."):
    """The readout line of every explorer whose run blew up."""
    return f"✖ <b>Diverged</b>: training stopped {when} because the loss kept growing. {advice}"
