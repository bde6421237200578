"""Pictures for the notebooks: static figures, and explorers with sliders that move the line and the loss.

Import it first, as the notebooks' setup cell does (``import linreg_widgets as lw``): it readies
matplotlib for a notebook whatever the user's settings (the inline backend in a kernel, whatever
``MPLBACKEND`` says; a folder of its own when the home directory is read-only) and applies the
projector style (every text at least 12 pt, white backgrounds, matplotlib's own colours), so
figures read from the back of a room and in JupyterLab's dark theme too. Imported after
matplotlib, it still switches an ``agg`` or ``TkAgg`` backend to the inline one.
:func:`use_projector_style` applies the style again (e.g. after ``plt.style.use``).

Every name below is ``lw.name``; the modules, by job:

- :mod:`.style`: matplotlib made ready, the projector style, the palette, numbers as text;
- :mod:`.maths`: the maths behind the pictures that is not in the core (the MAE line, the loss
  of any line in constant time, Play's schedule, ...);
- :mod:`.figures`: the building blocks (data, loss map, bowl) and each notebook's
  ``plot_…``/``show_…`` figures;
- :mod:`.explorer`: the ``Explorer`` base class (the figure, its panels and moving artists,
  clean-up on re-run) and the controls the explorers share;
- :mod:`.browser`: ``BrowserExplorer``, the explorer whose moving parts the browser draws
  (one anywidget, ``browser.js``): every explorer is one;
- :mod:`.explorers`: the explorers, by notebook, and :data:`EXPLORERS`, the registry the tests
  and benchmarks loop over.

The explorers draw at :data:`DPI` = 96, where 12 pt is 16 pixels, and at most
:data:`MAX_WIDTH_PX` wide, so their pictures show at native size on a 1366×768 projector.
"""

# ruff: noqa: F401  (this file re-exports the modules' names: each is used as lw.name)

# isort: split
# The style module first: it readies matplotlib before anything imports it.
from .style import (
    BEST_COLOR,
    CURRENT_MARKER,
    DATA_COLOR,
    DPI,
    EXPLORER_STYLE,
    FIGSIZE,
    GUIDE_COLOR,
    INLINE_BACKEND,
    LINE_COLOR,
    MAE_COLOR,
    MAX_WIDTH_PX,
    MIN_FONT_PT,
    NOTEBOOK_BACKENDS,
    OKABE_ITO,
    OUTLIER_COLOR,
    PALETTE,
    PATH_COLOR,
    PROJECTOR_STYLE,
    SERIES,
    line_label,
    readable,
    use_projector_style,
)

# isort: split
import ipywidgets as widgets  # lw.widgets and lw.FigureCanvasAgg: older cells and tests use them
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .browser import BrowserExplorer, BrowserPicture
from .explorer import (
    LR_MANTISSAS,
    READOUT_SCALE,
    Explorer,
    divergence_note,
    learning_rate_choices,
    png_bytes,
)
from .explorers import (
    EXPLORERS,
    LossExplorer,
    MinibatchExplorer,
    OutlierExplorer,
    ScalingExplorer,
    SlopeExplorer,
    StepExplorer,
    TrainingExplorer,
)
from .figures import (
    BOWL_VIEW,
    CONTOUR_LEGEND,
    add_colorbar,
    draw_data,
    draw_loss_bowl,
    draw_loss_contour,
    draw_scaling_contours,
    is_standardized,
    nice_log_levels,
    parameter_grid,
    plot_course_map,
    plot_fit,
    plot_loss_bowl,
    plot_loss_surface,
    plot_split,
    show_derivatives,
    show_fit,
    show_gradient_check,
    show_gradient_table,
    show_line_in_units,
    show_long_run,
    show_lookup_table,
    show_loss_curve,
    show_mse_table,
    show_outlier_lines,
    show_scores,
    show_split,
    show_step,
    show_tangents,
    show_test_scores,
    show_three_runs,
    show_trained,
    show_valley_cuts,
    square_parameter_grid,
)
from .maths import (
    EQUIVALENT_ABOVE,
    MAX_RESIDUALS,
    PLAY_SLOW_FRAMES,
    LineLoss,
    equivalent_data,
    floor_curvature,
    lookup_table,
    loss_grid,
    mae_line,
    mean_absolute_error,
    play_epochs,
    residual_sample,
)
