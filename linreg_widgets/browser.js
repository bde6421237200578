// The explorers drawn in the browser (linreg_widgets/browser.py). The kernel drew the still
// picture once and sent what is needed to draw the rest: the data (or a sample and the exact
// sums), each panel's data -> pixel mapping and the star. Here, on every slider move, with no
// round trip to the kernel: the moving parts in SVG over the still picture, the readout (with
// the lesson's formulas) and the picture's text alternative. The kernel's slider values follow
// a drag a few times a second.

const SVG = "http://www.w3.org/2000/svg";
const MINUS = "\u2212";
const IPY_MODEL = "IPY_MODEL_";
const SYNC_MS = 750; // the kernel's copy of a slider's value follows a drag this often at most (traffic)
const SPEAK_MS = 1500; // the live region speaks at most this often during a drag
let views = 0; // ids unique on the page (labels, clip paths)

// ---- numbers as the lessons write them (linreg_widgets.style.readable, line_label) ----------

const SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074", 5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

function trimZeros(text) {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/** A number with at least `digits` significant digits, no e+08, thousands separated. */
export function readable(value, digits = 4) {
  if (!Number.isFinite(value) || value === 0) return String(value === 0 ? 0 : value).replace("-", MINUS);
  const size = Math.floor(Math.log10(Math.abs(value)));
  if (size >= 12) {
    const head = trimZeros((value / 10 ** size).toFixed(digits - 1));
    const power = [...String(size)].map((c) => SUPERSCRIPT[c]).join("");
    return `${head} \u00d7 10${power}`.replaceAll("-", MINUS);
  }
  const decimals = Math.min(20, Math.max(0, digits - 1 - size));
  const text = value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return trimZeros(text).replaceAll("-", MINUS);
}

/** Python's format(value, ".4g"). */
function general(value, precision = 4) {
  if (value === 0) return "0";
  const [mantissa, power] = value.toExponential(precision - 1).split("e");
  const exponent = Number(power);
  if (exponent < -4 || exponent >= precision) {
    const sign = exponent < 0 ? "-" : "+";
    return `${trimZeros(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return trimZeros(value.toFixed(Math.max(0, precision - 1 - exponent)));
}

function lineLabel(m, b) {
  return `y = ${general(m)}\u00b7x ${b < 0 ? "\u2212" : "+"} ${general(Math.abs(b))}`.replaceAll("-", MINUS);
}

// ---- the lesson's formulas ------------------------------------------------------------------

/** The mean squared error of the line (m, b): the mean of (y - (m x + b))², point by point. */
export function mse(x, y, m, b) {
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const residual = y[i] - (m * x[i] + b);
    total += residual * residual;
  }
  return total / x.length;
}

/** The same MSE from the data's averages (many points): Sres + Sxx (m - m̂)² + (ȳ - m x̄ - b)². */
function mseFromSums(s, m, b) {
  const offset = s.y_mean - m * s.x_mean - b;
  return s.s_res + s.sxx * (m - s.m_hat) ** 2 + offset * offset;
}

/** The spread of y, mean((y - ȳ)²): R² = 1 - MSE / this. */
function spread(y) {
  let mean = 0;
  for (const v of y) mean += v;
  mean /= y.length;
  let total = 0;
  for (const v of y) total += (v - mean) ** 2;
  return total / y.length;
}

// ---- drawing --------------------------------------------------------------------------------

function svg(tag, attributes = {}, parent = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function html(tag, className, parent = null) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (parent) parent.appendChild(node);
  return node;
}

const px = ([sx, sy, tx, ty], x, y) => [sx * x + tx, sy * y + ty];

/** A 3-D point through matplotlib's projection (Axes3D.M), then the axes' 2-D mapping. */
function project(panel, x, y, z) {
  const M = panel.M;
  const [a, b, c, w] = M.map((row) => row[0] * x + row[1] * y + row[2] * z + row[3]);
  return px(panel.map, a / w, b / w);
}

function clipped(root, id, [left, top, width, height]) {
  const clip = svg("clipPath", { id }, root);
  svg("rect", { x: left, y: top, width, height }, clip);
  return svg("g", { "clip-path": `url(#${id})` }, root);
}

/** The current (m, b) dot: a ringed disc like matplotlib's CURRENT_MARKER (points → pixels). */
function dot(parent, pt, size, color) {
  const group = svg("g", {}, parent);
  const r = (size / 2) * pt;
  svg("circle", { r, fill: "none", stroke: "black", "stroke-width": 4.5 * pt }, group);
  svg("circle", { r, fill: color, stroke: "white", "stroke-width": 2 * pt }, group);
  return group;
}

const place = (node, [x, y]) => node.setAttribute("transform", `translate(${x.toFixed(2)},${y.toFixed(2)})`);

/** The LossExplorer: the line and its residuals, the dot on the loss map (and on the bowl). */
function lossDrawing(spec, root, uid) {
  const pt = spec.dpi / 72;
  const fit = clipped(root, `${uid}-fit`, spec.fit.box);
  const line = svg("line", { stroke: spec.colors.line, "stroke-width": 2 * pt, "stroke-linecap": "square" }, fit);
  const residuals = svg("path", { stroke: spec.colors.residual, "stroke-width": 0.8 * pt, fill: "none" }, fit);
  residuals.setAttribute("shape-rendering", "crispEdges");
  const map = clipped(root, `${uid}-map`, spec.loss.box);
  const marker = dot(map, pt, 12, spec.colors.line);
  let stem = null;
  let bowlMarker = null;
  if (spec.bowl) {
    const bowl = clipped(root, `${uid}-bowl`, spec.bowl.box);
    stem = svg("line", { stroke: "white", "stroke-width": 1.5 * pt }, bowl);
    bowlMarker = dot(bowl, pt, 11, spec.colors.line);
  }
  const [rx, ry] = spec.residuals;
  // the residuals are vertical: on the pixel grid as Agg snaps them (a sharp line, not a blur)
  const width = 0.8 * pt;
  const half = width < 1 || Math.round(width) % 2 ? 0.5 : 0;
  const snap = (v) => Math.floor(v + 0.5) + half;
  const data = spec.data;
  const syy = data ? spread(data[1]) : spec.sums.syy;
  const loss = (m, b) => (data ? mse(data[0], data[1], m, b) : mseFromSums(spec.sums, m, b));
  const [mStar, bStar] = spec.star;
  const best = loss(mStar, bStar);

  return ([m, b]) => {
    const [x0, x1] = spec.fit.x_ends;
    const [ax, ay] = px(spec.fit.map, x0, m * x0 + b);
    const [bx, by] = px(spec.fit.map, x1, m * x1 + b);
    Object.entries({ x1: ax, y1: ay, x2: bx, y2: by }).forEach(([k, v]) => line.setAttribute(k, v.toFixed(2)));
    const [sx, sy, tx, ty] = spec.fit.map;
    let d = "";
    for (let i = 0; i < rx.length; i++) {
      const X = snap(sx * rx[i] + tx);
      d += `M${X} ${snap(sy * ry[i] + ty)}V${snap(sy * (m * rx[i] + b) + ty)}`;
    }
    residuals.setAttribute("d", d);
    place(marker, px(spec.loss.map, m, b));
    const value = loss(m, b);
    const r2 = spec.r2 ? 1 - value / syy : null;
    if (spec.bowl) {
      const height = Math.min(value, spec.bowl.cap);
      const [fx, fy] = project(spec.bowl, m, b, 0);
      const [hx, hy] = project(spec.bowl, m, b, height);
      Object.entries({ x1: fx, y1: fy, x2: hx, y2: hy }).forEach(([k, v]) => stem.setAttribute(k, v.toFixed(2)));
      place(bowlMarker, [hx, hy]);
    }

    // the readout: the kernel's own words (LossExplorer.update), computed here
    const parts = [["line: " + lineLabel(m, b) + " \u00a0\u2192\u00a0 ", false], [`MSE = ${readable(value)}`, true]];
    if (!spec.compact) {
      const r2Text = spec.r2 ? `R\u00b2 = ${r2.toFixed(4).replace("-", MINUS)}` : "R\u00b2 undefined (all y are equal)";
      parts.push([", \u00a0", false], [r2Text, true]);
    }
    // what the picture shows now, in words
    const excess = (value - best) / Math.max(best, 1e-300);
    const star = `the star, the lowest MSE (${readable(best)}), is at m = ${readable(mStar)}, b = ${readable(bStar)}`;
    const where =
      excess < 0.01 ? `is at the bottom of the bowl, on the star (the lowest MSE)`
      : excess < 0.25 ? `is near the bottom of the bowl: ${star}`
      : `is far from the bottom of the bowl: ${star}`;
    const shown = spec.n === rx.length ? "" : ` (drawn for ${rx.length} random points)`;
    let alt =
      `Left: ${spec.n.toLocaleString("en-US")} data points and the line ${lineLabel(m, b)}, ` +
      `with each point's residual${shown}; MSE ${readable(value)}. ` +
      `${spec.bowl ? "Middle" : "Right"}: the map of the MSE of every (m, b), darker is lower; ` +
      `the dot at m = ${readable(m)}, b = ${readable(b)} ${where}.`;
    if (spec.bowl) alt += ` Right: the same loss as a 3-D bowl, with the dot at height ${readable(Math.min(value, spec.bowl.cap))}.`;
    return { parts, alt, numbers: { m, b, mse: value, r2 } };
  };
}

// ---- shared pieces of the drawings ----------------------------------------------------------

/** An SVG path for a matplotlib marker ("o", "s", "D", "^", "v") of `size` pixels, centred on 0, 0. */
function markerPath(shape, size) {
  const h = size / 2;
  if (shape === "o") return `M${-h} 0A${h} ${h} 0 1 0 ${h} 0A${h} ${h} 0 1 0 ${-h} 0Z`;
  if (shape === "s") return `M${-h} ${-h}H${h}V${h}H${-h}Z`;
  if (shape === "D") {
    const d = h * Math.SQRT2; // a square of side `size` turned by 45 degrees
    return `M0 ${-d}L${d} 0L0 ${d}L${-d} 0Z`;
  }
  if (shape === ">" || shape === "<") {
    const right = shape === ">" ? 1 : -1;
    return `M${right * h} 0L${-right * h} ${-h}L${-right * h} ${h}Z`;
  }
  const up = shape === "^" ? -1 : 1; // y grows downwards
  return `M0 ${up * h}L${-h} ${-up * h}L${h} ${-up * h}Z`;
}

/** A marker drawn like matplotlib's (style: size and edge width in points, fill, edge). */
function marker(parent, style, pt, shape) {
  const node = svg("path", { fill: style.fill, stroke: style.edge, "stroke-width": style.edge_width * pt }, parent);
  node.setAttribute("stroke-linejoin", "miter");
  const shaped = (s) => node.setAttribute("d", markerPath(s, style.size * pt));
  shaped(shape);
  return Object.assign(node, { shaped });
}

/** A straight line drawn like a matplotlib Line2D (style: colour, width and dashes in points). */
function styledLine(parent, style, pt) {
  const node = svg("line", { stroke: style.color, "stroke-width": style.width * pt }, parent);
  if (style.dashes.length) {
    node.setAttribute("stroke-dasharray", style.dashes.map((d) => d * pt).join(" "));
    node.setAttribute("stroke-dashoffset", style.offset * pt);
    node.setAttribute("stroke-linecap", "butt");
  } else {
    node.setAttribute("stroke-linecap", "square");
  }
  return node;
}

function setLine(node, [ax, ay], [bx, by]) {
  Object.entries({ x1: ax, y1: ay, x2: bx, y2: by }).forEach(([k, v]) => node.setAttribute(k, v.toFixed(2)));
}

const show = (node, visible) => node.setAttribute("visibility", visible ? "visible" : "hidden");

/** Python's format(value, ".4f") and "+.4f", with true minus signs. */
const fixed = (value, digits = 4) => value.toFixed(digits).replace("-", MINUS);
const signed = (value, digits = 4) => (value >= 0 ? "+" : "") + fixed(value, digits);

// ---- 01's OutlierExplorer --------------------------------------------------------------------

/** The least-squares line of the data plus one point (ox, h), from the data's means and centred
 *  averages updated with that point (Welford's formulas): the MSE line, for any n. */
function mseLineWith(s, n, ox, h) {
  const dx = ox - s.x_mean;
  const dy = h - s.y_mean;
  const sxx = n * s.sxx + (n / (n + 1)) * dx * dx;
  const sxy = n * s.sxy + (n / (n + 1)) * dx * dy;
  const m = sxy / sxx;
  return [m, s.y_mean + dy / (n + 1) - m * (s.x_mean + dx / (n + 1))];
}

/** The MAE line with the outlier at h: a side line while the outlier is beyond it, else the
 *  kernel's solution for that height (every slider stop between the two), or null (not sent yet). */
function maeLineWith(table, ox, h) {
  for (const [side, m, b] of table.sides) if (side * (h - (m * ox + b)) > 0) return [m, b];
  const row = table.solved.find(([height]) => height === h);
  return row ? [row[1], row[2]] : null;
}

/** The OutlierExplorer: both lines and the outlier (left), the slopes against its height (right). */
function outlierDrawing(spec, root, uid) {
  const pt = spec.dpi / 72;
  const fit = clipped(root, `${uid}-fit`, spec.fit.box);
  const lines = {};
  for (const name of ["MSE", "MAE"]) lines[name] = styledLine(fit, spec.lines[name], pt);
  const outlier = marker(fit, spec.outlier, pt, "D");
  const note = svg("text", { "text-anchor": "end", "dominant-baseline": "central", fill: "black" }, fit);
  note.setAttribute("font-family", "DejaVu Sans, Bitstream Vera Sans, sans-serif");
  note.setAttribute("font-size", spec.note.size * pt);
  const slopes = clipped(root, `${uid}-slope`, spec.slope.box);
  const now = styledLine(slopes, spec.now, pt);
  now.setAttribute("stroke-linecap", "butt");
  const points = { MSE: marker(slopes, spec.points.MSE, pt, "o"), MAE: marker(slopes, spec.points.MAE, pt, "s") };
  const [x0, x1] = spec.fit.x_ends;
  const [low, high] = spec.fit.y_limits;
  const ox = spec.outlier_x;
  const titles = { MSE: "MSE line (least squares)", MAE: "MAE line" };
  const words = { MSE: "the MSE line (solid)", MAE: "the MAE line (dashed)" };

  return ([h, present]) => {
    const fits = present
      ? { MSE: mseLineWith(spec.sums, spec.n, ox, h), MAE: maeLineWith(spec.mae, ox, h) }
      : { ...spec.base };
    for (const [name, line] of Object.entries(lines)) {
      show(line, fits[name] !== null);
      if (fits[name] === null) continue;
      const [m, b] = fits[name];
      setLine(line, px(spec.fit.map, x0, m * x0 + b), px(spec.fit.map, x1, m * x1 + b));
    }
    // the outlier, or a triangle at the edge it left by, with its height written beside it
    const pad = 0.03 * (high - low);
    const shown = Math.min(Math.max(h, low + pad), high - pad);
    outlier.shaped(shown === h ? "D" : h > high ? "^" : "v");
    place(outlier, px(spec.fit.map, ox, shown));
    show(outlier, present);
    const [nx, ny] = px(spec.fit.map, ox - spec.note.dx, shown);
    Object.entries({ x: nx.toFixed(2), y: ny.toFixed(2) }).forEach(([k, v]) => note.setAttribute(k, v));
    note.textContent = present && shown !== h ? `y = ${general(h)} `.replaceAll("-", MINUS) : "";
    const [sx, , tx] = spec.slope.map;
    const [, top, , height] = spec.slope.box;
    setLine(now, [sx * h + tx, top], [sx * h + tx, top + height]);
    show(now, present);
    for (const [name, point] of Object.entries(points)) {
      show(point, present && fits[name] !== null);
      if (present && fits[name] !== null) place(point, px(spec.slope.map, h, fits[name][0]));
    }

    // the readout: the kernel's own words (OutlierExplorer.update), computed here
    const parts = [];
    for (const name of ["MSE", "MAE"]) {
      const m0 = spec.base[name][0];
      if (parts.length) parts.push([" \u00a0\u00b7\u00a0 ", false]);
      if (fits[name] === null) {
        parts.push([`${titles[name]}: being solved by the kernel`, false]);
        continue;
      }
      const m = fits[name][0];
      parts.push([`${titles[name]}: m = ${fixed(m)}`, true]);
      parts.push([` (without the outlier ${fixed(m0)}, moved by ${signed(m - m0)})`, false]);
    }
    parts.push(["\n", false]);
    const moved = (name) => (fits[name] === null ? NaN : fits[name][0] - spec.base[name][0]);
    let ratio = null;
    if (!present) parts.push(["No outlier: tick 'add the outlier'.", false]);
    else if (fits.MAE === null) parts.push(["\u2026", false]);
    else if (Math.abs(moved("MAE")) > 0) {
      ratio = Math.abs(moved("MSE")) / Math.abs(moved("MAE"));
      parts.push([`The outlier moved the MSE slope ${general(ratio, 3)} times as far as the MAE slope.`, false]);
    } else parts.push(["The MAE slope did not move at all.", false]);

    // what the picture shows now, in words
    const label = (name) => (fits[name] === null ? "being solved" : lineLabel(...fits[name]));
    const where =
      shown === h ? "" : h > high ? " (above the top of the panel: drawn at its edge)" : " (drawn at the panel's edge)";
    let alt = `Left: ${spec.n.toLocaleString("en-US")} data points`;
    alt += present ? ` and one outlier at x = ${readable(ox)}, y = ${readable(h)}${where}; ` : ", no outlier; ";
    alt += `${words.MSE} ${label("MSE")} and ${words.MAE} ${label("MAE")}; dotted: the same lines without the outlier. `;
    alt += "Right: the slope of each line for every height of the outlier";
    if (present && fits.MAE !== null) {
      alt += `; now the MSE slope is ${readable(fits.MSE[0])} (moved ${readable(moved("MSE"))}) `;
      alt += `and the MAE slope ${readable(fits.MAE[0])} (moved ${readable(moved("MAE"))}).`;
    } else alt += ".";
    const numbers = { outlier: h, present, mse_m: fits.MSE[0], mse_b: fits.MSE[1] };
    if (fits.MAE !== null) Object.assign(numbers, { mae_m: fits.MAE[0], mae_b: fits.MAE[1] });
    return { parts, alt, numbers };
  };
}

// ---- 02's SlopeExplorer ----------------------------------------------------------------------

/** The gradient of the MSE, point by point: dL/dm = -2 mean(x (y - ŷ)), dL/db = -2 mean(y - ŷ). */
export function gradients(x, y, m, b) {
  let dm = 0;
  let db = 0;
  for (let i = 0; i < x.length; i++) {
    const residual = y[i] - (m * x[i] + b);
    dm += x[i] * residual;
    db += residual;
  }
  return [(-2 * dm) / x.length, (-2 * db) / x.length];
}

/** The same gradient from the data's averages (many points), with nothing to cancel:
 *  dL/dm = 2 (Sxx (m - m̂) - x̄ (ȳ - m x̄ - b)), dL/db = -2 (ȳ - m x̄ - b). */
function gradientsFromSums(s, m, b) {
  const offset = s.y_mean - m * s.x_mean - b;
  return [2 * (s.sxx * (m - s.m_hat) - s.x_mean * offset), -2 * offset];
}

/** matplotlib's quiver arrow (Quiver._h_arrows) from `tail` to `tip` (pixels, y down): a shaft
 *  of `width` pixels and a head; shorter than its head, the whole arrow shrinks; shorter than
 *  `minlength` widths, a dot. Returns an SVG path. */
function arrowPath(tail, tip, width, spec) {
  const [headwidth, headlength, headaxislength] = spec.head;
  const dx = tip[0] - tail[0];
  const dy = tail[1] - tip[1]; // y up, as matplotlib's display coordinates
  const length = Math.hypot(dx, dy) / width;
  const theta = Math.atan2(dy, dx);
  const minsh = spec.minshaft * headlength;
  let X;
  let Y;
  if (length < spec.minlength) {
    X = [...Array(8).keys()].map((k) => Math.cos((k * Math.PI) / 3) * spec.minlength * 0.5);
    Y = [...Array(8).keys()].map((k) => Math.sin((k * Math.PI) / 3) * spec.minlength * 0.5);
  } else {
    const short = length < minsh;
    const x = short
      ? [0, minsh - headaxislength, minsh - headlength, minsh].map((v) => (v * length) / minsh)
      : [0, length - headaxislength, length - headlength, length];
    const y = [1, 1, headwidth, 0].map((v) => (short ? (0.5 * v * length) / minsh : 0.5 * v));
    const order = [0, 1, 2, 3, 2, 1, 0, 0];
    X = order.map((i) => x[i]);
    Y = order.map((i, k) => (k >= 3 && k < 7 ? -y[i] : y[i]));
  }
  const [c, s] = [Math.cos(theta), Math.sin(theta)];
  return (
    X.map((xv, k) => {
      const px_ = tail[0] + (xv * c - Y[k] * s) * width;
      const py_ = tail[1] - (xv * s + Y[k] * c) * width;
      return `${k ? "L" : "M"}${px_.toFixed(2)} ${py_.toFixed(2)}`;
    }).join("") + "Z"
  );
}

/** The SlopeExplorer: the point on L(m) and its tangent (left), the dot and the downhill arrow on
 *  the loss map (right); the readout gives L and the gradient. */
function slopeDrawing(spec, root, uid) {
  const pt = spec.dpi / 72;
  const color = spec.colors.line;
  const curve = clipped(root, `${uid}-curve`, spec.curve.box);
  const point = dot(curve, pt, 11, color);
  const tangent = spec.tangent ? styledLine(curve, spec.tangent_line, pt) : null; // over the dot, as in matplotlib
  const map = clipped(root, `${uid}-map`, spec.loss.box);
  const marker = dot(map, pt, 11, color);
  const arrow = spec.tangent ? svg("path", { fill: spec.arrow.color, stroke: "none" }, map) : null;
  const data = spec.data;
  const loss = (m, b) => (data ? mse(data[0], data[1], m, b) : mseFromSums(spec.sums, m, b));
  const gradient = (m, b) => (data ? gradients(data[0], data[1], m, b) : gradientsFromSums(spec.sums, m, b));
  // the lowest loss on this slice (b held): where dL/dm = 0, m = (mean(xy) - b mean(x)) / mean(x²)
  const b = spec.b;
  const [g0] = gradient(0, b);
  const [g1] = gradient(1, b);
  const mLow = g1 === g0 ? NaN : -g0 / (g1 - g0);
  const mNear = (0.01 * spec.curve.box[2]) / Math.abs(spec.curve.map[0]); // 1 % of the panel's width

  return ([m]) => {
    const value = loss(m, b);
    const [dm, db] = gradient(m, b);
    place(point, px(spec.curve.map, m, value));
    place(marker, px(spec.loss.map, m, b));
    const parts = [[`m = ${readable(m)}, b = ${readable(b)} \u00a0\u2192\u00a0 `, false], [`L = ${readable(value)}`, true]];
    let downhill = "";
    if (spec.tangent) {
      const half = spec.tangent_line.half;
      setLine(tangent, px(spec.curve.map, m - half, value - dm * half), px(spec.curve.map, m + half, value + dm * half));
      // the arrow at the current point: the direction of -∇L in axis fractions, a fixed length on
      // screen where the slope is typical, shrinking to nothing at the minimum
      const a = spec.arrow;
      const [mSpan, bSpan] = a.spans;
      const u = -dm / mSpan;
      const v = -db / bSpan;
      const norm = Math.hypot(u, v) || 1;
      const length = 0.12 * Math.min(1, norm / a.typical);
      const tail = px(spec.loss.map, m, b);
      const tip = px(spec.loss.map, m + (u / norm) * mSpan * length, b + (v / norm) * bSpan * length);
      arrow.setAttribute("d", arrowPath(tail, tip, a.width * spec.loss.box[2], a));
      parts.push([", \u00a0", false], [`\u2202L/\u2202m = ${readable(dm)}`, true]);
      parts.push([` (slope of the tangent), \u2202L/\u2202b = ${readable(db)}`, false]);
      downhill =
        ` The arrow points downhill, towards ${dm > 0 ? "smaller" : "larger"} m` +
        ` and ${db > 0 ? "smaller" : "larger"} b.`;
    }
    const gap = m - mLow;
    const where =
      Math.abs(gap) <= mNear ? "at the bottom of the curve"
      : gap < 0 ? `left of the bottom of the curve (m = ${readable(mLow)})`
      : `right of the bottom of the curve (m = ${readable(mLow)})`;
    let alt =
      `Left: the loss L along the slope m, with b held at ${readable(b)}; the dot at m = ${readable(m)}, ` +
      `L = ${readable(value)}, ${where}`;
    if (spec.tangent) alt += `, with its tangent, slope \u2202L/\u2202m = ${readable(dm)}`;
    alt += `. Right: the map of the loss of every (m, b), with the line b = ${readable(b)}; the dot at m = ${readable(m)}.`;
    alt += downhill;
    return { parts, alt, numbers: { m, b, loss: value, dm, db } };
  };
}

// ---- 03's StepExplorer -----------------------------------------------------------------------

/** The current-(m, b) marker of any shape (a disc, or an arrowhead at a panel's edge), ringed
 *  like matplotlib's CURRENT_MARKER: a black ring under a white edge. */
function ringed(parent, pt, size, color) {
  const group = svg("g", {}, parent);
  const ring = svg("path", { fill: "none", stroke: "black", "stroke-width": 4.5 * pt }, group);
  const disc = svg("path", { fill: color, stroke: "white", "stroke-width": 2 * pt }, group);
  group.shaped = (shape) => {
    const d = markerPath(shape, size * pt);
    ring.setAttribute("d", d);
    disc.setAttribute("d", d);
  };
  group.shaped("o");
  return group;
}

/** A note beside a marker at a panel's edge ("diverged →"), in a white box with a rounded edge. */
function edgeNote(parent, pt, size, color) {
  const group = svg("g", {}, parent);
  const frame = svg("rect", { fill: "white", "fill-opacity": 0.9, stroke: color, "stroke-width": pt }, group);
  const text = svg("text", { fill: "black", "font-size": size * pt }, group);
  text.setAttribute("font-family", "DejaVu Sans, Bitstream Vera Sans, sans-serif");
  const pad = 0.2 * size * pt;
  group.write = (words, [x, y], anchor, baseline) => {
    text.textContent = words;
    show(group, Boolean(words));
    if (!words) return;
    Object.entries({ x: x.toFixed(2), y: y.toFixed(2), "text-anchor": anchor, "dominant-baseline": baseline })
      .forEach(([k, v]) => text.setAttribute(k, v));
    const b = text.getBBox();
    Object.entries({ x: b.x - pad, y: b.y - pad, width: b.width + 2 * pad, height: b.height + 2 * pad, rx: pad })
      .forEach(([k, v]) => frame.setAttribute(k, v));
  };
  return group;
}

/** Explorer.place_marker: the marker at (x, y) in `panel`; outside it, an arrowhead at the edge
 *  it left by, with `note` written beside it. True if inside. */
function placeMarker(marker, note, panel, x, y, words) {
  const [x0, x1] = [...panel.xlim].sort((a, c) => a - c);
  const [y0, y1] = [...panel.ylim].sort((a, c) => a - c);
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    show(marker, false);
    note.write("", [0, 0]);
    return false;
  }
  show(marker, true);
  if (x0 <= x && x <= x1 && y0 <= y && y <= y1) {
    marker.shaped("o");
    place(marker, px(panel.map, x, y));
    note.write("", [0, 0]);
    return true;
  }
  const padX = 0.035 * (x1 - x0);
  const padY = 0.05 * (y1 - y0);
  const ex = Math.min(Math.max(x, x0 + padX), x1 - padX);
  const ey = Math.min(Math.max(y, y0 + padY), y1 - padY);
  const anchor = ex < (x0 + x1) / 2 ? "start" : "end";
  let shape;
  let ty;
  let top;
  if (x > x1 || x < x0) {
    shape = x > x1 ? ">" : "<";
    const below = y0 + 3 * padY < ey && ey < y1 - 3 * padY ? ey < (y0 + y1) / 2 : ey > (y0 + y1) / 2;
    [ty, top] = below ? [ey - 1.5 * padY, true] : [ey + 1.5 * padY, false];
  } else {
    shape = y > y1 ? "^" : "v";
    [ty, top] = y > y1 ? [ey - padY, true] : [ey + padY, false];
  }
  marker.shaped(shape);
  place(marker, px(panel.map, ex, ey));
  const arrowWord = { ">": "\u2192", "<": "\u2190", "^": "\u2191", v: "\u2193" }[shape];
  note.write(`${words} ${arrowWord}`, px(panel.map, ex, ty), anchor, top ? "text-before-edge" : "text-after-edge");
  return false;
}

/** A polyline with matplotlib's "." markers on its vertices (style: colour, width, marker size). */
function dottedPath(parent, style, pt) {
  const line = svg("path", { fill: "none", stroke: style.color, "stroke-width": style.width * pt }, parent);
  line.setAttribute("stroke-linejoin", "round");
  const dots = svg("path", { fill: style.fill, stroke: style.edge, "stroke-width": style.edge_width * pt }, parent);
  const r = (style.size / 4) * pt; // matplotlib's "." is a disc of half the marker size
  return (points) => {
    const shown = points.filter(([a, c]) => Number.isFinite(a) && Number.isFinite(c));
    line.setAttribute("d", shown.map(([a, c], k) => `${k ? "L" : "M"}${a.toFixed(2)} ${c.toFixed(2)}`).join(""));
    dots.setAttribute(
      "d",
      shown.map(([a, c]) => `M${(a - r).toFixed(2)} ${c.toFixed(2)}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`).join(""),
    );
  };
}

/** The StepExplorer: the line after each step (left), the path on the map (middle), m per step
 *  (right). Each step is m - lr ∂L/∂m, b - lr ∂L/∂b with the lesson's gradient, taken here. */
function stepDrawing(spec, root, uid) {
  const pt = spec.dpi / 72;
  const color = spec.colors.line;
  // the step axis's ticks and labels at its width now (10, 20, 40 ... steps), under the rest
  const [sl, st, sw, sh] = spec.step_axes.box;
  const ticks = svg("image", { x: sl, y: st, width: sw, height: sh, preserveAspectRatio: "none" }, root);
  const fit = clipped(root, `${uid}-fit`, spec.fit.box);
  const line = styledLine(fit, spec.line, pt);
  const map = svg("g", {}, root); // markers at the edge stay visible, as in matplotlib (not clipped)
  const pathGroup = clipped(map, `${uid}-map`, spec.loss.box);
  const path = dottedPath(pathGroup, spec.path, pt);
  const marker = ringed(map, pt, 11, color);
  const note = edgeNote(map, pt, spec.note_size, color);
  const right = svg("g", {}, root);
  const stepsGroup = clipped(right, `${uid}-steps`, spec.steps.box);
  const best = styledLine(stepsGroup, spec.best, pt);
  best.setAttribute("stroke-linecap", "butt");
  const curve = dottedPath(stepsGroup, spec.curve, pt);
  const mMarker = ringed(right, pt, 11, color);
  const mNote = edgeNote(right, pt, spec.note_size, color);
  const data = spec.data;
  const loss = (m, b) => (data ? mse(data[0], data[1], m, b) : mseFromSums(spec.sums, m, b));
  const gradient = (m, b) => (data ? gradients(data[0], data[1], m, b) : gradientsFromSums(spec.sums, m, b));
  const [xyMean, xMean, xxMean] = spec.slice;
  const bestM = (b) => (xxMean === 0 ? NaN : (xyMean - b * xMean) / xxMean);
  let run = null; // the steps taken at one rate: ms, bs, losses, diverged
  let shownRate = null; // the rate drawn last: a new one starts again, and step 0 says so
  let rateChanged = false; // until Reset at the same rate, which says nothing of a rate

  /** The run at rate `lr` with `asked` steps asked for since the start (kept and extended). */
  const steps = (lr, asked) => {
    if (!run || run.lr !== lr || run.asked > asked) {
      const [m0, b0] = spec.start;
      run = { lr, asked: 0, ms: [m0], bs: [b0], losses: [loss(m0, b0)], diverged: false };
    }
    for (; run.asked < asked; run.asked++) {
      if (run.diverged) continue;
      const m = run.ms[run.ms.length - 1];
      const b = run.bs[run.bs.length - 1];
      const [dm, db] = gradient(m, b);
      const next = [m - lr * dm, b - lr * db];
      const value = loss(...next);
      if (!(value <= spec.limit * run.losses[0])) {
        run.diverged = true; // the next step would blow the loss up: stop before it
        continue;
      }
      run.ms.push(next[0]);
      run.bs.push(next[1]);
      run.losses.push(value);
    }
    return run;
  };

  const draw = ([index], state) => {
    const lr = spec.rates[index];
    const newRate = shownRate !== null && index !== shownRate;
    shownRate = index;
    const r = steps(lr, state.index === index ? state.steps || 0 : 0);
    const k = r.ms.length - 1;
    if (newRate) rateChanged = true;
    else if (k === 0) rateChanged = false; // Reset at the same rate
    const [m, b] = [r.ms[k], r.bs[k]];
    const [x0, x1] = spec.fit.x_ends;
    setLine(line, px(spec.fit.map, x0, m * x0 + b), px(spec.fit.map, x1, m * x1 + b));
    path(r.ms.map((v, i) => px(spec.loss.map, v, r.bs[i])));
    const words = r.diverged ? "diverged" : "off the map";
    const onMap = placeMarker(marker, note, spec.loss, m, b, words);
    let shown = 10; // the step axis doubles its width when the steps outgrow it (StepExplorer.update)
    while (shown < k) shown *= 2;
    const widths = spec.step_axes.widths;
    const axis = widths.find((w) => w.steps === shown) || widths[widths.length - 1];
    if (ticks.getAttribute("href") !== axis.png) ticks.setAttribute("href", axis.png);
    const panel = { ...spec.steps, map: axis.map, xlim: axis.xlim };
    curve(r.ms.map((v, i) => px(panel.map, i, v)));
    const [left, , width] = spec.steps.box;
    const level = px(panel.map, 0, bestM(b))[1];
    setLine(best, [left, level], [left + width, level]);
    placeMarker(mMarker, mNote, panel, k, m, words);

    // the readout: the kernel's own words (StepExplorer.update), computed here
    const value = r.losses[k];
    const [mStar, bStar] = spec.star;
    const parts = [
      [`step ${k}: m = ${readable(m)}, b = ${readable(b)}, `, false],
      [`MSE = ${readable(value)}`, true],
      [` (the star: m = ${readable(mStar, 3)}, b = ${readable(bStar, 3)})`, false],
      ["\n", false],
      [`lr = ${readable(lr, 3)}${rateChanged && k === 0 ? " (a new lr starts again from step 0)" : ""}`, false],
    ];
    const growing = k >= 1 && r.losses[k] > Math.max(r.losses[0], r.losses[k - 1]);
    if (r.diverged) {
      parts.push(["\n", false], ["\u2716 ", false], ["Diverged", true]);
      parts.push([
        ": training stopped at this step (the next one would make the loss over a million times its first value)" +
          " because the loss kept growing. Press Reset and choose a smaller lr.",
        false,
      ]);
    } else if (growing) {
      parts.push(["\n", false], ["\u26a0 ", false], ["diverging", true]);
      parts.push([": the MSE is above its start and still growing.", false]);
    }
    const [m0, b0] = spec.start;
    let alt =
      `Left: ${spec.n.toLocaleString("en-US")} data points and the line after step ${k}, ${lineLabel(m, b)}; ` +
      `MSE ${readable(value)}. Middle: the map of the MSE of every (m, b), its b axis stretched, with the path of ` +
      `${k} step${k === 1 ? "" : "s"} from m = ${readable(m0)}, b = ${readable(b0)}`;
    alt += onMap ? `, now at m = ${readable(m)}, b = ${readable(b)}` : `, now ${words}`;
    alt += `; the star, the lowest MSE, is at m = ${readable(mStar, 3)}, b = ${readable(bStar, 3)}.`;
    alt += ` Right: m after each step; the dashed line, where m would stop if b never moved, is at m = ${readable(bestM(b))}.`;
    if (r.diverged) alt += " The run diverged.";
    return { parts, alt, numbers: { step: k, m, b, mse: value, lr, diverged: r.diverged } };
  };
  /** A button pressed: the new shared state (steps asked for since the start, at this rate). */
  draw.press = (control, [index], state) => {
    const add = spec.presses[control];
    const before = state.index === index ? state.steps || 0 : 0;
    return { steps: add === 0 ? 0 : before + add, index };
  };
  return draw;
}

// ---- 04's TrainingExplorer -------------------------------------------------------------------

/** A polyline drawn like a matplotlib Line2D with no markers (style: colour, width in points). */
function polyline(parent, style, pt) {
  const node = svg("path", { fill: "none", stroke: style.color, "stroke-width": style.width * pt }, parent);
  node.setAttribute("stroke-linejoin", "round");
  node.setAttribute("stroke-linecap", "square");
  return (points) => {
    const shown = points.filter(([a, c]) => Number.isFinite(a) && Number.isFinite(c));
    node.setAttribute("d", shown.map(([a, c], k) => `${k ? "L" : "M"}${a.toFixed(2)} ${c.toFixed(2)}`).join(""));
  };
}

/** The TrainingExplorer: the line at the epoch shown (left), the path of (m, b) up to it on the
 *  loss map (middle), the loss curve up to it on a log axis (right). The run (every epoch's m, b
 *  and MSE) is the kernel's, sent once per learning rate and number of epochs; the readout's MSE
 *  is computed here with the lesson's formula. Play (spec.play) moves the epoch slider. */
function trainingDrawing(spec, root, uid) {
  const pt = spec.dpi / 72;
  const color = spec.colors.line;
  const fit = clipped(root, `${uid}-fit`, spec.fit.box);
  const line = styledLine(fit, spec.line, pt);
  const map = svg("g", {}, root); // a marker at the edge stays visible, as in matplotlib
  const path = polyline(clipped(map, `${uid}-map`, spec.loss.box), spec.path, pt);
  const marker = ringed(map, pt, 11, color);
  const note = edgeNote(map, pt, spec.note_size, color);
  const curve = polyline(clipped(root, `${uid}-curve`, spec.curve.box), spec.loss_line, pt);
  const point = ringed(root, pt, spec.point_size, color); // not clipped (clip_on=False)
  const run = spec.run;
  const last = run.losses.length - 1;
  const data = spec.data;
  const loss = (m, b) => (data ? mse(data[0], data[1], m, b) : mseFromSums(spec.sums, m, b));
  const onCurve = (k) => px(spec.curve.map, k, Math.log10(run.losses[k]));
  const [mStar, bStar] = spec.star;
  const [m0, b0] = spec.start;

  const draw = ([, , epoch, lrIndex, epochs]) => {
    const k = Math.min(Math.max(Math.round(epoch), 0), last);
    const [m, b] = [run.ms[k], run.bs[k]];
    const [x0, x1] = spec.fit.x_ends;
    setLine(line, px(spec.fit.map, x0, m * x0 + b), px(spec.fit.map, x1, m * x1 + b));
    path(run.ms.slice(0, k + 1).map((v, i) => px(spec.loss.map, v, run.bs[i])));
    const words = run.diverged ? "diverged" : "off the map";
    const onMap = placeMarker(marker, note, spec.loss, m, b, words);
    curve(run.losses.slice(0, k + 1).map((_, i) => onCurve(i)));
    const [cx, cy] = onCurve(k);
    show(point, Number.isFinite(cx) && Number.isFinite(cy));
    if (Number.isFinite(cy)) place(point, [cx, cy]);

    // the readout: the kernel's own words (TrainingExplorer.update), computed here
    const value = loss(m, b);
    const play = spec.every === last ? "every epoch" : `every epoch up to ${spec.every}, then skips more and more`;
    const lr = run.lr;
    const parts = [
      [`epoch ${k}: m = ${readable(m)}, b = ${readable(b)}, `, false],
      [`MSE = ${readable(value)}`, true],
      [` (showing epoch ${k} of ${last}; Play shows ${play})`, false],
      ["\n", false],
      [`lr = ${readable(lr, 3)} (the largest safe lr for these data: ${readable(spec.bound, 3)})`, false],
    ];
    if (lr >= spec.bound) parts.push([" \u00a0\u26a0 ", false], ["lr is above the largest safe one: each step overshoots more", true]);
    if (run.diverged && k === last) {
      parts.push(["\n", false], ["\u2716 ", false], ["Diverged", true]);
      parts.push([`: training stopped after epoch ${last} because the loss kept growing. Choose a smaller lr.`, false]);
    } else if (run.diverged) {
      const ratio = run.losses[0] ? run.losses[k] / run.losses[0] : Infinity;
      parts.push(["\n", false], ["\u26a0 ", false], ["This run diverges", true]);
      parts.push([
        `: at epoch ${k} the MSE is ${readable(ratio, 3)} times its start; ` +
          `training stops after epoch ${last}, where the next step would blow the loss up.`,
        false,
      ]);
    }
    const asked = spec.rates ? spec.rates[lrIndex] : lr;
    const waiting = asked !== lr || epochs !== run.epochs;
    if (waiting) parts.push(["\n", false], ["\u2026 training again for the new lr or epochs (the kernel sends the run)", false]);

    let alt =
      `Left: ${spec.n.toLocaleString("en-US")} data points and the line after epoch ${k}, ${lineLabel(m, b)}; ` +
      `MSE ${readable(value)}. Middle: the map of the MSE of every (m, b), with the path of ` +
      `${k} epoch${k === 1 ? "" : "s"} from m = ${readable(m0)}, b = ${readable(b0)}`;
    alt += onMap ? `, now at m = ${readable(m)}, b = ${readable(b)}` : `, now ${words}`;
    alt += `; the star, the lowest MSE, is at m = ${readable(mStar, 3)}, b = ${readable(bStar, 3)}.`;
    alt +=
      ` Right: the MSE at each epoch on a log scale, from ${readable(run.losses[0])} at epoch 0` +
      ` to ${readable(run.losses[k])} at epoch ${k}, of ${last}; the dashed line is the lowest possible MSE,` +
      ` ${readable(spec.best)}.`;
    if (run.diverged) alt += ` The run diverges: it stops after epoch ${last}.`;
    return { parts, alt, numbers: { epoch: k, m, b, mse: value, lr, diverged: run.diverged, last } };
  };
  draw.play = spec.play; // Play moves the epoch slider through these frames (see render)
  /** Play or Pause pressed: the new shared state (whether Play runs). */
  draw.press = (control, values, state) => ({ ...state, playing: spec.presses[control] });
  return draw;
}

// ---- 06's ScalingExplorer --------------------------------------------------------------------

/** linreg_core.gradient_descent: `epochs` epochs of the lesson's loop from (m0, b0), each
 *  recording m, b and the MSE; stopped as its DivergenceWatch stops it (a loss over `limit`
 *  times the first, not finite, or rising `rising` epochs in a row above the last and the first). */
export function descend(x, y, lr, epochs, [m0, b0], limit, rising) {
  let [m, b] = [m0, b0];
  const first = mse(x, y, m, b);
  const ms = [m];
  const bs = [b];
  const losses = [first];
  let previous = first;
  let up = 0;
  let stopped = false;
  for (let k = 0; k < epochs; k++) {
    const [dm, db] = gradients(x, y, m, b);
    m = m - lr * dm;
    b = b - lr * db;
    const loss = mse(x, y, m, b);
    up = loss > previous && loss > first ? up + 1 : 0;
    previous = loss;
    stopped = !(loss <= limit * first) || up >= rising;
    if (stopped) break; // the history ends with the last point before the blow-up
    ms.push(m);
    bs.push(b);
    losses.push(loss);
  }
  return { ms, bs, losses, diverged: stopped || previous > first };
}

/** linreg_core.epochs_to_converge: the first epoch from which m and b stay within rtol of the
 *  target, or null if the last one is not there yet. */
function epochsToConverge(ms, bs, [mRef, bRef], rtol) {
  const close = (k) => Math.abs(ms[k] - mRef) <= rtol * Math.abs(mRef) && Math.abs(bs[k] - bRef) <= rtol * Math.abs(bRef);
  if (!close(ms.length - 1)) return null;
  let k = ms.length - 1;
  while (k > 0 && close(k - 1)) k--;
  return k;
}

/** The ScalingExplorer: the path of `epochs` epochs of gradient descent on the active panel (raw x
 *  or standardised x), trained here with the lesson's loop at every learning rate the slider
 *  takes; the readout converts the end back to the units of x. The still picture of the other
 *  checkbox state (the other panel highlighted) covers the first one while it is chosen. */
function scalingDrawing(spec, root, uid) {
  const pt = spec.dpi / 72;
  const [width, height] = spec.size;
  const cover = svg("image", { x: 0, y: 0, width, height, preserveAspectRatio: "none" }, root);
  cover.setAttribute("href", spec.other.still);
  // the active panel of each state, in that state's picture
  const panelOf = (name) => ((name === "scaled") === spec.scaled ? spec.problems[name].panel : spec.other.panel);
  const layers = {};
  for (const name of Object.keys(spec.problems)) {
    const group = clipped(root, `${uid}-${name}`, panelOf(name).box); // as matplotlib clips them
    layers[name] = { group, path: dottedPath(group, spec.path, pt), dot: ringed(group, pt, spec.marker.size, spec.marker.fill) };
  }
  const [mean, std] = spec.units;
  const [mLs, bLs] = spec.target;
  const percent = `${(100 * spec.rtol).toFixed(1)}%`;

  const draw = ([lr, scaled]) => {
    const name = scaled ? "scaled" : "raw";
    const problem = spec.problems[name];
    const [x, y] = problem.data;
    const run = descend(x, y, lr, spec.epochs, problem.start, spec.limit, spec.rising);
    const ran = run.ms.length - 1;
    const panel = panelOf(name);
    show(cover, Boolean(scaled) !== spec.scaled);
    for (const [key, layer] of Object.entries(layers)) {
      const active = key === name;
      show(layer.group, active);
      if (!active) continue;
      layer.path(run.ms.map((v, k) => px(panel.map, v, run.bs[k])));
      const [pxEnd, pyEnd] = px(panel.map, run.ms[ran], run.bs[ran]);
      show(layer.dot, Number.isFinite(pxEnd) && Number.isFinite(pyEnd));
      if (Number.isFinite(pxEnd) && Number.isFinite(pyEnd)) place(layer.dot, [pxEnd, pyEnd]);
    }
    // in the units of x (linreg_core.unstandardize): m = m_s / std, b = b_s - m_s·mean / std
    const ms = scaled ? run.ms.map((v) => v / std) : run.ms;
    const bs = scaled ? run.bs.map((v, k) => v - (run.ms[k] * mean) / std) : run.bs;
    const [m, b] = [ms[ran], bs[ran]];
    const converged = run.diverged ? null : epochsToConverge(ms, bs, spec.target, spec.rtol);

    // the readout: the kernel's own words (ScalingExplorer.update), computed here
    const bound = problem.bound;
    const close = `m and b within ${percent} of least squares`;
    const parts = [
      [`${scaled ? "standardised" : "raw"} x`, true],
      [`: lr = ${readable(lr, 3)} = ${readable(lr / bound, 3)} \u00d7 the stable bound ${readable(bound, 3)}`, false],
      ["\n", false],
      [`after ${ran} epochs, in the units of x: m = ${readable(m)}, b = ${readable(b)} `, false],
      [`(least squares: m = ${readable(mLs)}, b = ${readable(bLs)})`, false],
      ["\n", false],
    ];
    let outcome;
    if (run.diverged) {
      parts.push(["\u2716 ", false], ["Diverged", true]);
      parts.push([
        `: training stopped after ${ran} epochs because the loss kept growing. ` +
          `lr is above the stable bound ${readable(bound, 3)}, so every step overshoots further.`,
        false,
      ]);
      outcome = `it diverged: training stopped after ${ran} epochs`;
    } else if (converged !== null) {
      parts.push(["\u2714 ", false], ["Converged", true], [`: ${close} from epoch ${converged} on.`, false]);
      outcome = `it converged: ${close} from epoch ${converged} on`;
    } else {
      parts.push(["\u23f3 ", false], ["Did not converge", true], [` in ${ran} epochs (${close} is the target).`, false]);
      outcome = `it did not converge in ${ran} epochs`;
    }
    const alt =
      "Two maps of the MSE side by side: left, raw x, a long valley; right, standardised x, a round bowl. " +
      `The ${scaled ? "right" : "left"} one is active and shows the path of ${ran} epoch${ran === 1 ? "" : "s"} ` +
      `of gradient descent at lr = ${lr.toExponential(2)}, ending at ${scaled ? "m_s" : "m"} = ${readable(run.ms[ran])}, ` +
      `${scaled ? "b_s" : "b"} = ${readable(run.bs[ran])}; ${outcome}. In the units of x: m = ${readable(m)}, ` +
      `b = ${readable(b)}; least squares: m = ${readable(mLs)}, b = ${readable(bLs)}.`;
    return { parts, alt, numbers: { lr, scaled: Boolean(scaled), epochs: ran, m, b, converged, diverged: run.diverged } };
  };
  return draw;
}

// ---- 08's MinibatchExplorer ------------------------------------------------------------------

/** The MinibatchExplorer: the path of (m, b), one vertex per update, up to the epoch shown on the
 *  loss map (left); the loss on all the data after each epoch, this batch size and full batch, on
 *  a log axis (right). The run is the kernel's (numpy shuffles the batches), sent once per batch
 *  size, lr and seed; the readout's MSE is computed here with the lesson's formula. Play
 *  (spec.play) moves the epoch slider. */
function minibatchDrawing(spec, root, uid) {
  const pt = spec.dpi / 72;
  const map = svg("g", {}, root); // the end marker at the edge stays visible, as in matplotlib
  const path = polyline(clipped(map, `${uid}-map`, spec.loss.box), spec.path, pt);
  const end = ringed(map, pt, spec.marker.size, spec.marker.fill);
  const note = edgeNote(map, pt, spec.note_size, spec.marker.fill);
  const curves = clipped(root, `${uid}-curve`, spec.curve.box);
  const full = polyline(curves, spec.full_line, pt);
  const curve = dottedPath(curves, spec.loss_line, pt);
  const run = spec.run;
  const last = run.losses.length - 1;
  const data = spec.data;
  const loss = (m, b) => (data ? mse(data[0], data[1], m, b) : mseFromSums(spec.sums, m, b));
  const onCurve = (k, losses) => px(spec.curve.map, k, Math.log10(losses[k]));
  const n = spec.n.toLocaleString("en-US");
  const size = run.batch;
  const kind = size === spec.n ? "full-batch gradient descent" : size === 1 ? "SGD (stochastic gradient descent)" : "mini-batch gradient descent";
  const [m0, b0] = spec.start;

  const draw = ([, , epoch, batchIndex, lr, seed]) => {
    const k = Math.min(Math.max(Math.round(epoch), 0), last);
    const t = k === last ? run.ms.length - 1 : k * run.per_epoch; // updates shown: all of them at the last epoch
    path(run.ms.slice(0, t + 1).map((v, i) => px(spec.loss.map, v, run.bs[i])));
    const [m, b] = [run.ms[t], run.bs[t]];
    const onMap = placeMarker(end, note, spec.loss, m, b, run.diverged ? "diverged" : "off the map");
    curve(run.losses.slice(0, k + 1).map((_, i) => onCurve(i, run.losses)));
    const fullShown = run.full.slice(0, k + 1);
    full(fullShown.map((_, i) => onCurve(i, run.full)));

    // the readout: the kernel's own words (MinibatchExplorer.update), computed here
    const parts = [];
    if (spec.batch_note) parts.push([spec.batch_note, false], ["\n", false]);
    parts.push([
      `batch size ${size} = ${kind}: ${run.per_epoch} update(s) per epoch, each from ${size} point(s); ` +
        `every epoch uses all ${spec.n} points once.`,
      false,
    ]);
    parts.push(["\n", false]);
    const value = loss(m, b);
    if (run.diverged && k === last) {
      parts.push(["\u2716 ", false], ["Diverged", true]);
      parts.push([
        `: training stopped after ${run.ms.length - 1} updates (${last} full epochs) because the loss kept growing. ` +
          "Choose a smaller lr (small batches need smaller steps).",
        false,
      ]);
    } else {
      const fullNow = k < fullShown.length ? readable(fullShown[k]) : "diverged";
      parts.push([`after ${k} epochs (${t} updates): m = ${readable(m)}, b = ${readable(b)}, `, false]);
      parts.push([`MSE = ${readable(value)}`, true]);
      parts.push([` (full batch, same lr: ${fullNow}; minimum: ${readable(spec.best)})`, false]);
      if (run.diverged) {
        parts.push(["\n", false], ["\u26a0 ", false], ["This run diverges", true]);
        parts.push([`: training stops after ${run.ms.length - 1} updates.`, false]);
      }
    }
    if (run.epochs_run < spec.epochs) {
      parts.push(["\n", false], [
        `\u23f1 Showing the first ${run.epochs_run} of ${spec.epochs} epochs: with ` +
          `${run.per_epoch.toLocaleString("en-US")} updates per epoch, this explorer stops at ` +
          `${spec.max_updates.toLocaleString("en-US")} updates so that it answers at once (a larger batch shows more epochs).`,
        false,
      ]);
    }
    const waiting = spec.sizes[batchIndex] !== run.batch || lr !== run.lr || seed !== run.seed;
    if (waiting) parts.push(["\n", false], ["\u2026 training again for the new batch size, lr or seed (the kernel sends the run)", false]);

    // what the picture shows now, in words
    let alt =
      `Left: the map of the MSE of ${n} points for every (m, b), darker is lower, with the path of ` +
      `${t} update${t === 1 ? "" : "s"} of ${kind} (batches of ${size}, lr = ${readable(run.lr, 3)}, seed ${run.seed}) ` +
      `from m = ${readable(m0)}, b = ${readable(b0)}`;
    alt += onMap ? `, now at m = ${readable(m)}, b = ${readable(b)}.` : `, now ${run.diverged ? "diverged" : "off the map"}.`;
    alt +=
      ` Right: the MSE on all the data after each epoch on a log scale, up to epoch ${k} of ${last}: ` +
      `this batch size from ${readable(run.losses[0])} to ${readable(run.losses[k])}`;
    alt += k < fullShown.length ? `, full batch at the same lr ${readable(fullShown[k])}` : ", full batch diverged";
    alt += `; the dashed line is the lowest possible MSE, ${readable(spec.best)}.`;
    if (run.diverged) alt += ` The run diverges: it stops after ${run.ms.length - 1} updates.`;
    const numbers = { epoch: k, updates: t, m, b, mse: value, batch: run.batch, lr: run.lr, seed: run.seed, diverged: run.diverged, last };
    return { parts, alt, numbers };
  };
  draw.play = spec.play; // Play moves the epoch slider through these frames (see render)
  /** Play or Pause pressed: the new shared state (whether Play runs). */
  draw.press = (control, values, state) => ({ ...state, playing: spec.presses[control] });
  return draw;
}

const KINDS = {
  loss: lossDrawing,
  outlier: outlierDrawing,
  slope: slopeDrawing,
  step: stepDrawing,
  training: trainingDrawing,
  scaling: scalingDrawing,
  minibatch: minibatchDrawing,
};

// ---- controls -------------------------------------------------------------------------------

/** How many decimals a slider's step shows (0.01 → 2). */
const decimalsOf = (step) => Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));

/** A native range input for an ipywidgets FloatSlider (or IntSlider) model: named, its shown value
 *  read out. `set(v, quiet)` moves it from the drawing (Play): a quiet move tells the kernel
 *  nothing until `flush()`. */
function rangeControl(slider, uid, parent, moved) {
  const row = html("div", "lw-control", parent);
  const input = html("input", "lw-range");
  const label = html("label", "lw-label", row);
  input.id = `${uid}-${slider.model_id}`;
  label.htmlFor = input.id;
  label.textContent = slider.get("description");
  row.appendChild(input);
  const shown = html("output", "lw-value", row);
  shown.htmlFor = input.id;
  shown.setAttribute("aria-hidden", "true"); // the input itself announces the value
  input.type = "range";
  const step = slider.get("step");
  const digits = decimalsOf(step);
  const lo = slider.get("min");
  const limits = () => Object.assign(input, { min: String(slider.get("min")), max: String(slider.get("max")) });
  Object.assign(input, { step: String(step) });
  limits();
  // a FloatLogSlider: the input moves the exponent, the value is base ** exponent, shown (and
  // announced) as the screen shows it, 1.00e-4
  const log = slider.get("_model_name") === "FloatLogSliderModel";
  const base = log ? slider.get("base") : 10;
  const position = (v) => (log ? Math.log(v) / Math.log(base) : v);
  const text = (v) => (log ? v.toExponential(2).replace("e+", "e") : v.toFixed(digits).replace("-", MINUS));
  const show = (v) => {
    if (Math.abs(input.valueAsNumber - position(v)) > 1e-9 * step) input.value = String(position(v));
    shown.textContent = text(v);
    input.setAttribute("aria-valuetext", text(v));
  };
  // The value shown is the browser's own during a drag; the model (the kernel's copy) gets it
  // at once, then at most every SYNC_MS while the drag goes on, and at the release. Setting the
  // model only when it is sent keeps ipywidgets' echo of a sent value from pulling the slider
  // back; ipywidgets keeps one message in flight and sends only the latest value after it.
  // A slider with continuous_update off (one that retrains) is sent at the release only.
  const continuous = slider.get("continuous_update") !== false;
  let current = slider.get("value");
  let timer = null;
  let dirty = false;
  let holding = false; // moved quietly (Play): nothing is sent until flush()
  const save = () => {
    dirty = false;
    slider.set("value", current);
    slider.save_changes();
  };
  const tick = () => {
    const due = dirty && !holding;
    timer = due ? setTimeout(tick, SYNC_MS) : null;
    if (due) save();
  };
  input.addEventListener("input", () => {
    holding = false;
    const at = Number((lo + Math.round((input.valueAsNumber - lo) / step) * step).toFixed(digits));
    current = log ? base ** at : at;
    show(current);
    moved(); // the picture follows at once
    dirty = true;
    if (timer === null && continuous) {
      save();
      timer = setTimeout(tick, SYNC_MS);
    }
  });
  input.addEventListener("change", () => dirty && save()); // the drag ended: the last value now
  const changed = () => {
    // set by the kernel (code, a refused value): shown; our own save changes nothing
    if (slider.get("value") === current) return;
    current = slider.get("value");
    dirty = false;
    show(current);
    moved();
  };
  const resized = () => {
    limits();
    show(current);
  };
  slider.on("change:value", changed);
  slider.on("change:min change:max", resized);
  show(current);
  return {
    value: () => current,
    range: () => [slider.get("min"), slider.get("max")],
    set: (v, quiet) => {
      current = v;
      show(v);
      moved();
      dirty = true;
      holding = Boolean(quiet);
      if (!quiet) save();
    },
    flush: () => {
      holding = false;
      if (dirty) save();
    },
    revert: () => {
      // back to the kernel's value (Play stopped by the kernel, e.g. for a new run)
      holding = dirty = false;
      current = slider.get("value");
      show(current);
      moved();
    },
    cleanup: () => {
      slider.off("change:value", changed);
      slider.off("change:min change:max", resized);
      clearTimeout(timer);
    },
  };
}

/** A native checkbox for an ipywidgets Checkbox model: named by its description. */
function checkControl(box, uid, parent, moved) {
  const row = html("div", "lw-control lw-check", parent);
  const input = html("input", "lw-checkbox", row);
  input.type = "checkbox";
  input.id = `${uid}-${box.model_id}`;
  const label = html("label", "lw-check-label", row);
  label.htmlFor = input.id;
  label.textContent = box.get("description");
  input.checked = box.get("value");
  input.addEventListener("change", () => {
    box.set("value", input.checked);
    box.save_changes();
    moved();
  });
  const changed = () => {
    input.checked = box.get("value");
    moved();
  };
  box.on("change:value", changed);
  return { value: () => input.checked, cleanup: () => box.off("change:value", changed) };
}

/** Radio buttons for an ipywidgets SelectionSlider (or any selection) model: a named group of
 *  named choices, the one chosen checked (its state exposed), the arrow keys move between them. */
function radioControl(selection, uid, parent, moved) {
  const group = html("div", "lw-choices", parent);
  group.setAttribute("role", "radiogroup");
  const title = html("span", "lw-label", group);
  title.id = `${uid}-${selection.model_id}-title`;
  title.textContent = selection.get("description");
  group.setAttribute("aria-labelledby", title.id);
  const options = html("div", "lw-options", group);
  const inputs = selection.get("_options_labels").map((text, k) => {
    const label = html("label", "lw-choice", options);
    const input = html("input", "lw-radio", label);
    input.type = "radio";
    input.name = `${uid}-${selection.model_id}`;
    input.value = String(k);
    label.append(text);
    input.addEventListener("change", () => {
      if (!input.checked) return;
      selection.set("index", k);
      selection.save_changes();
      moved();
    });
    return input;
  });
  const changed = () => {
    inputs.forEach((input, k) => (input.checked = k === selection.get("index")));
    moved();
  };
  inputs.forEach((input, k) => (input.checked = k === selection.get("index")));
  selection.on("change:index", changed);
  return { value: () => selection.get("index"), cleanup: () => selection.off("change:index", changed) };
}

/** A native button for an ipywidgets Button model, named by its description: `pressed` acts.
 *  A leading symbol (▶, ❚❚) is shown, not read: the button is named by its words. */
function buttonControl(button, parent, pressed) {
  const node = html("button", "lw-button", parent);
  node.type = "button";
  const description = button.get("description");
  const words = description.replace(/^[^\p{L}\p{N}]+/u, "");
  if (words !== description && words) {
    const symbol = html("span", "", node);
    symbol.setAttribute("aria-hidden", "true");
    symbol.textContent = description.slice(0, description.length - words.length);
    node.append(words);
  } else node.textContent = description;
  const style = button.get("button_style");
  if (style) node.classList.add(`lw-button-${style}`);
  node.addEventListener("click", pressed);
  return { value: () => null, cleanup: () => {} };
}

/** The control for a widget model, by its kind. */
function control(widget, uid, parent, moved, pressed) {
  const kind = widget.get("_model_name");
  if (kind === "CheckboxModel") return checkControl(widget, uid, parent, moved);
  if (kind === "SelectionSliderModel" || kind === "ToggleButtonsModel") return radioControl(widget, uid, parent, moved);
  if (kind === "ButtonModel") return buttonControl(widget, parent, pressed);
  return rangeControl(widget, uid, parent, moved);
}

// ---- the widget -----------------------------------------------------------------------------

async function render({ model, el }) {
  const uid = `lw${++views}-${Math.random().toString(36).slice(2, 8)}`;
  const ids = model.get("controls").map((ref) => ref.slice(IPY_MODEL.length));
  const sliders = await Promise.all(ids.map((id) => model.widget_manager.get_model(id)));
  const root = html("div", "lw-explorer", el);
  // the arrow keys move a slider, not JupyterLab's cell selection (Lumino's keyboard shortcuts)
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.setAttribute("data-p-suppress-shortcuts", "true");
  root.addEventListener("keydown", (event) => event.stopPropagation()); // nor the notebook's own
  const group = html("div", "lw-controls", root);
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "controls");
  const readout = html("div", "lw-readout", root);
  readout.setAttribute("aria-hidden", "true"); // spoken by the live region below, throttled
  const live = html("div", "lw-sr-only", root);
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  const picture = html("div", "lw-picture", root);
  picture.setAttribute("role", "img");
  const still = html("img", "lw-still", picture);
  still.alt = "";
  const overlay = svg("svg", { "aria-hidden": "true", focusable: "false", class: "lw-moving" }, picture);

  let draw = null;
  let frame = null;
  let spoken = 0;
  let speakTimer = null;
  let said = "";
  const speak = (text) => {
    // polite and throttled: at most every SPEAK_MS during a drag, and the last value always
    said = text;
    const wait = spoken + SPEAK_MS - performance.now();
    if (speakTimer !== null) return;
    speakTimer = setTimeout(() => {
      speakTimer = null;
      spoken = performance.now();
      live.textContent = said;
    }, Math.max(wait, 250));
  };
  const redraw = () => {
    frame = null;
    if (!draw) return;
    const now = draw(
      controls.map((control) => control.value()),
      model.get("state"),
    );
    readout.replaceChildren(
      ...now.parts.map(([text, bold]) => {
        if (text === "\n") return document.createElement("br");
        const node = document.createElement(bold ? "b" : "span");
        node.textContent = text;
        return node;
      }),
    );
    for (const [key, value] of Object.entries(now.numbers)) readout.dataset[key] = String(value);
    picture.setAttribute("aria-label", now.alt);
    speak(now.parts.map(([text]) => (text === "\n" ? " " : text)).join(""));
  };
  const moved = () => {
    if (frame === null) frame = requestAnimationFrame(redraw);
  };
  const setUp = () => {
    const spec = model.get("spec");
    still.src = model.get("still");
    if (!spec.kind) return;
    const [width, height] = spec.size;
    Object.assign(still, { width, height });
    overlay.setAttribute("viewBox", `0 0 ${width} ${height}`);
    overlay.replaceChildren();
    draw = KINDS[spec.kind](spec, overlay, uid);
    redraw();
    clearTimeout(speakTimer); // the first readout is there to read, not announced
    speakTimer = null;
    live.textContent = said;
  };
  // a button pressed: the drawing says what the shared state becomes; drawn at once, then sent
  let ours = false; // the state changing now is the browser's own (a press, Play at its end)
  const share = (state) => {
    ours = true;
    model.set("state", state);
    ours = false;
    model.save_changes();
  };
  const press = (k) => () => {
    if (!draw || !draw.press) return;
    share(draw.press(k, controls.map((c) => c.value()), model.get("state")));
  };
  const controls = sliders.map((widget, k) => control(widget, uid, group, moved, press(k)));
  // Play (a drawing with `play`): the browser moves one slider through `play.frames`, a frame
  // every `play.interval` ms, with no message to the kernel; the slider's value is sent when Play
  // stops (Pause, the end). Whether Play runs is the shared state's `playing` (the buttons, or the
  // kernel's code); stopped by the kernel (a new run), the slider shows the kernel's value.
  let playTimer = null;
  const playing = () => Boolean(draw && draw.play && model.get("state").playing);
  const stopAtEnd = () => share({ ...model.get("state"), playing: false });
  const advance = () => {
    const { control: k, frames } = draw.play;
    const next = frames.find((epoch) => epoch > controls[k].value());
    if (next === undefined) stopAtEnd();
    else controls[k].set(next, true);
  };
  const animate = (own = true) => {
    if (playing() && playTimer === null) {
      const { control: k, frames, interval } = draw.play;
      if (controls[k].value() >= frames[frames.length - 1]) controls[k].set(frames[0], true); // again
      playTimer = setInterval(advance, interval);
    } else if (!playing() && playTimer !== null) {
      clearInterval(playTimer);
      playTimer = null;
      const slider = controls[draw.play.control];
      if (own) slider.flush(); // the kernel's copy: the frame Play stopped at
      else slider.revert();
    }
  };
  const stateChanged = () => {
    animate(ours);
    moved();
  };
  model.on("change:spec", setUp);
  model.on("change:still", setUp);
  model.on("change:state", stateChanged);
  setUp();
  animate();
  return () => {
    controls.forEach((control) => control.cleanup());
    model.off("change:spec", setUp);
    model.off("change:still", setUp);
    model.off("change:state", stateChanged);
    if (frame !== null) cancelAnimationFrame(frame);
    clearInterval(playTimer);
    clearTimeout(speakTimer);
  };
}

export default { render };
