// The views of a scene in the browser: contour, 3D surface and loss chart, with the shared step, playback,
// the camera and clicks handled here, without a server round trip.
//
// Python (ui/view_component.py) sends two kinds of element:
//  - payload carriers (storePayload): the surface's traces, and each run's traces, as Plotly JSON bytes.
//    Streamlit sends an unchanged element as a reference to what the browser already has, so a payload
//    travels once per change of what it depends on;
//  - the views (mountViews): a small manifest naming the payloads, each figure's layout and small traces,
//    the step, the camera and the labels.
// The figures are the server's builders' figures drawn whole; what a step shows of them is figures/stepping.py's
// rule, mirrored by atStep below.

const STORE = (window.__lossLabStore ??= { payloads: new Map(), waiting: new Map() });
const STATS = (window.__lossLabStats ??= {});

const PATH = "path";
const CURRENT = "current";
const MARK = "mark";
const STEP_SHAPE = "step";
const STEP_TEMPLATE = "%{meta.step}"; // figures/stepping.py: where a title writes the step
const STEPPED_FIELDS = ["x", "y", "z", "customdata"];
const BASE_ROLES = new Set(["surface", "grad_norm", "field"]); // contour layers that a step never changes
const VIEWS = ["contour", "surface", "loss"];
const REPORT_STEP_MS = 350; // a step reported back to Python once the user stops moving it
const REPORT_CAMERA_MS = 600;
const CLICK_SLOP_PX = 4;
const RESEND_MS = 2500; // an event Python has not heard of is sent again after this, then 2×, 4× … later,
const EVENT_TRIES = 6; // and when a run ends without hearing it; this many times in all
const PAGE_RUN_EVENT = "loss-lab:run-the-page";
const DOUBLE_CLICK_MS = 320;
const SPEEDS = [0.25, 0.5, 1, 2, 4];
const SURFACE_PLAY_SHARE = 4;
const FRAME_MS = 1000 / 60;
const COLORBAR_GAP_PX = 10;
const COLORBAR_STRIDE_FONTS = 6.5; // figures/contour.py COLORBAR_ROOM: one colour bar's width, in font sizes
const MIN_PLOT_WIDTH = 440; // contour and 3D side by side from twice this width on, one above the other below it
const PLOT_GAP = 12;
const MIN_PLOT_HEIGHT = 340;
const SCREEN_MARGIN_PX = 48;
const MIN_LOSS_HEIGHT = 230;
const MAX_LOSS_HEIGHT = 380;

// The toolbar's download name follows the scene (its step, each η): a new name alone changes no drawing, but
// Plotly draws a plot anew from nothing when its config changes (the 3D view a new WebGL scene, 60–130 ms here).
// The views give Plotly the name a plot was drawn with and set the current one where the toolbar reads it.
function downloadName(config) {
  return config?.toImageButtonOptions?.filename;
}

function withoutDownloadName(config) {
  if (downloadName(config) === undefined) return config;
  return { ...config, toImageButtonOptions: { ...config.toImageButtonOptions, filename: undefined } };
}

function nameDownloads(div, config) {
  const options = div._context?.toImageButtonOptions;
  if (options && downloadName(config) !== undefined) options.filename = downloadName(config);
}

function drawnConfig(div, config) {
  const drawn = downloadName(div._context);
  if (drawn === undefined || downloadName(config) === undefined) return config;
  return { ...config, toImageButtonOptions: { ...config.toImageButtonOptions, filename: drawn } };
}

function clamp(value, low, high) {
  return Math.min(Math.max(value, low), high);
}

// A small picture of a legend entry: the run's line (and its markers), or the point's symbol.
const SYMBOL_PATHS = {
  diamond: "M7 1.5 L12.5 7 L7 12.5 L1.5 7 Z",
  square: "M2.5 2.5 H11.5 V11.5 H2.5 Z",
  x: "M2.5 2.5 L11.5 11.5 M11.5 2.5 L2.5 11.5",
  cross: "M7 1.5 V12.5 M1.5 7 H12.5",
};
const FILLED_SYMBOLS = new Set(["diamond", "square"]);

function legendSymbol(trace) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  const lines = (trace.mode ?? "lines").includes("lines");
  svg.setAttribute("width", lines ? "28" : "14");
  svg.setAttribute("height", "14");
  const add = (tag, attributes) => {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    svg.appendChild(node);
  };
  const marker = trace.marker ?? {};
  if (lines) {
    const line = trace.line ?? {};
    const dash = { dash: "5 3", dot: "2 3", dashdot: "5 2 2 2", longdash: "8 3", longdashdot: "8 2 2 2" }[line.dash];
    add("line", { x1: 1, y1: 7, x2: 27, y2: 7, stroke: line.color ?? "#888", "stroke-width": 3,
      ...(dash ? { "stroke-dasharray": dash } : {}) });
    if ((trace.mode ?? "").includes("markers")) add("circle", { cx: 14, cy: 7, r: 3, fill: marker.color ?? line.color });
    return svg;
  }
  const symbol = String(marker.symbol ?? "circle");
  const color = marker.color ?? "#888";
  const outline = marker.line?.color ?? "#000";
  if (FILLED_SYMBOLS.has(symbol)) {
    add("path", { d: SYMBOL_PATHS[symbol], fill: color, stroke: outline, "stroke-width": 1.5 });
  } else if (SYMBOL_PATHS[symbol]) {
    add("path", { d: SYMBOL_PATHS[symbol], stroke: "#000", "stroke-width": 4.5, "stroke-linecap": "round" });
    add("path", { d: SYMBOL_PATHS[symbol], stroke: color, "stroke-width": 2.5, "stroke-linecap": "round" });
  } else if (symbol.endsWith("-open")) {
    add("circle", { cx: 7, cy: 7, r: 5, fill: "none", stroke: color === "#FFFFFF" ? "#000" : color, "stroke-width": 2 });
  } else {
    add("circle", { cx: 7, cy: 7, r: 5, fill: color, stroke: outline, "stroke-width": 1.5 });
  }
  return svg;
}

// --- payloads ------------------------------------------------------------------------------------------

function decodeBytes(data) {
  const text = typeof data === "string" ? data : new TextDecoder().decode(data);
  return JSON.parse(text);
}

export function mountPage(component) { // outside every fragment: asks for a run of the whole page
  const ask = () => component.setTriggerValue("run", performance.now());
  window.addEventListener(PAGE_RUN_EVENT, ask);
  return () => window.removeEventListener(PAGE_RUN_EVENT, ask);
}

export function storePayload(component) {
  const payload = decodeBytes(component.data);
  if (!STORE.payloads.has(payload.id)) {
    STORE.payloads.set(payload.id, payload);
    for (const resolve of STORE.waiting.get(payload.id) ?? []) resolve(payload);
    STORE.waiting.delete(payload.id);
  }
}

function payload(id) {
  if (STORE.payloads.has(id)) return Promise.resolve(STORE.payloads.get(id));
  return new Promise((resolve) => {
    if (!STORE.waiting.has(id)) STORE.waiting.set(id, []);
    STORE.waiting.get(id).push(resolve);
  });
}

// --- Plotly, served by the app itself (no network) -----------------------------------------------------

let plotlyLoading = null;

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  plotlyLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error(`plotly.js did not load from ${url}`));
    document.head.appendChild(script);
  });
  return plotlyLoading;
}

// --- typed arrays and the step rule --------------------------------------------------------------------

const DTYPES = { f4: Float32Array, f8: Float64Array, i4: Int32Array, u4: Uint32Array, i2: Int16Array,
  u2: Uint16Array, i1: Int8Array, u1: Uint8Array };

function decodeArray(value) {
  if (value && typeof value === "object" && typeof value.bdata === "string" && !value.shape) {
    const bytes = Uint8Array.from(atob(value.bdata), (c) => c.charCodeAt(0));
    return new DTYPES[value.dtype](bytes.buffer);
  }
  return value;
}

function role(trace) {
  return trace.meta && typeof trace.meta === "object" ? trace.meta.role : undefined;
}

// A trace that a step changes: its fields as whole arrays, decoded once.
function steppedTrace(trace) {
  const whole = {};
  for (const field of STEPPED_FIELDS) if (trace[field] !== undefined) whole[field] = decodeArray(trace[field]);
  return { template: trace, whole, role: role(trace), from: trace.meta?.from ?? 0, length: whole.x ? whole.x.length : 0 };
}

function isStepped(entry) {
  return entry.role === PATH || entry.role === CURRENT || entry.role === MARK;
}

function shownRows(entry, step) {
  if (entry.role === MARK) return step >= entry.from ? null : [0, 0];
  if ((entry.role !== PATH && entry.role !== CURRENT) || entry.length === 0) return null;
  const k = Math.min(Math.max(step, 0), entry.length - 1);
  return entry.role === PATH ? [0, k + 1] : [k, k + 1];
}

function traceAtStep(entry, step) {
  if (!isStepped(entry)) return entry.template;
  const rows = shownRows(entry, step) ?? [0, entry.length];
  const trace = { ...entry.template };
  for (const [field, values] of Object.entries(entry.whole)) {
    trace[field] = Array.isArray(values) ? values.slice(rows[0], rows[1]) : values.subarray(rows[0], rows[1]);
  }
  return trace;
}

function contourAreaKey(full) {
  const size = full._size;
  return [size.l, size.r, size.t, size.b, size.w, size.h, ...full.xaxis.range, ...full.yaxis.range].join();
}

function layoutAtStep(layout, step) {
  const shapes = (layout.shapes ?? []).map((shape) =>
    shape.name === STEP_SHAPE ? { ...shape, x0: step, x1: step } : shape);
  return { ...layout, meta: { ...(layout.meta ?? {}), step }, shapes };
}

// --- the component --------------------------------------------------------------------------------------

const CSS = `
.lab-views { display: flex; flex-direction: column; gap: 0.5rem; font-family: var(--st-font, inherit);
  color: var(--st-text-color, inherit); outline: none; }
.lab-bar { display: flex; align-items: center; gap: 0.75rem; flex-wrap: wrap; }
.lab-bar button, .lab-bar select { font: inherit; font-size: 0.95em; padding: 0.3em 0.8em; border-radius: 0.5rem;
  border: 1px solid var(--st-border-color, rgba(49,51,63,0.2)); background: var(--st-secondary-background-color, #f0f2f6);
  color: inherit; cursor: pointer; white-space: nowrap; }
.lab-bar button.lab-play { min-width: 6.5em; background: var(--st-primary-color, #ff4b4b); color: #fff; border-color: transparent; }
.lab-bar input[type=range] { flex: 1 1 12rem; min-width: 8rem; accent-color: var(--st-primary-color, #ff4b4b); }
.lab-bar .lab-step { font-variant-numeric: tabular-nums; white-space: nowrap; min-width: 7.5em; }
.lab-bar label { display: flex; align-items: center; gap: 0.35em; white-space: nowrap; }
.lab-row { display: grid; grid-template-columns: 1fr 1fr; gap: 0.75rem; }
.lab-row.lab-stacked { grid-template-columns: 1fr; }
.lab-plot { position: relative; min-width: 0; }
.lab-plot > .lab-layer { position: absolute; inset: 0; }
.lab-plot > .lab-layer.lab-top { pointer-events: none; }
.lab-plot > .lab-layer.lab-top .draglayer, .lab-plot > .lab-layer.lab-top .legend,
.lab-plot > .lab-layer.lab-top .modebar-container, .lab-plot > .lab-layer.lab-top .hoverlayer { pointer-events: all; }
.lab-hint { font-size: 0.8em; opacity: 0.7; }
.lab-legend { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 1rem; font-size: 0.9em; }
.lab-legend button.lab-legend-toggle { font: inherit; border: none; background: none; color: inherit; cursor: pointer;
  padding: 0 0.25rem; opacity: 0.75; }
.lab-legend .lab-legend-item { display: inline-flex; align-items: center; gap: 0.35em; cursor: pointer;
  user-select: none; white-space: nowrap; }
.lab-legend .lab-legend-item.lab-hidden { opacity: 0.35; text-decoration: line-through; }
.lab-legend.lab-collapsed .lab-legend-item { display: none; }
.lab-legend svg { flex: none; }
`;

function injectCss() {
  if (document.getElementById("lab-view-css")) return;
  const style = document.createElement("style");
  style.id = "lab-view-css";
  style.textContent = CSS;
  document.head.appendChild(style);
}

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.appendChild(child);
  return node;
}

class LabView {
  constructor(parent, base) {
    this.parent = parent;
    this.base = base;
    this.manifest = null;
    this.step = 0;
    this.steps = 0;
    this.playing = false;
    this.speed = 1;
    this.stepToken = null;
    this.cameraToken = null;
    this.figures = {}; // view -> what it shows: {source, layout, config, entries: [steppedTrace], version}
    this.drawing = {}; // view -> what is drawn: {busy, drawnVersion, drawnStep, lastMs, lastStart}
    this.versions = 0;
    this.timers = {};
    this.pending = new Map(); // event name -> {value, id, tries}: sent, not yet heard by Python
    this.eventSeq = 0;
    this.generation = 0;
    this.stats = { frames: {}, reports: 0, clicks: 0 };
    this.build();
  }

  build() {
    injectCss();
    this.root = element("div", { className: "lab-views", tabindex: "0" });
    this.playButton = element("button", { className: "lab-play", type: "button" });
    this.slider = element("input", { type: "range", min: "0", max: "0", step: "1", value: "0" });
    this.stepLabel = element("span", { className: "lab-step" });
    this.speedSelect = element("select");
    for (const speed of SPEEDS) {
      this.speedSelect.appendChild(element("option", { value: String(speed), text: `${speed}×` }));
    }
    this.speedSelect.value = "1";
    this.speedLabel = element("label", {}, [element("span"), this.speedSelect]);
    this.resetButton = element("button", { className: "lab-reset", type: "button" });
    this.hint = element("span", { className: "lab-hint" });
    this.bar = element("div", { className: "lab-bar" },
      [this.playButton, this.slider, this.stepLabel, this.speedLabel, this.resetButton, this.hint]);
    this.divs = {
      contourBase: element("div", { className: "lab-layer lab-base" }),
      contour: element("div", { className: "lab-layer lab-top" }),
      surface: element("div", { className: "lab-layer" }),
      loss: element("div", { className: "lab-layer" }),
    };
    this.boxes = {
      contour: element("div", { className: "lab-plot lab-contour" }, [this.divs.contourBase, this.divs.contour]),
      surface: element("div", { className: "lab-plot lab-surface" }, [this.divs.surface]),
      loss: element("div", { className: "lab-plot lab-loss" }, [this.divs.loss]),
    };
    this.row = element("div", { className: "lab-row" }, [this.boxes.contour, this.boxes.surface]);
    this.legendToggle = element("button", { className: "lab-legend-toggle", type: "button" });
    this.legend = element("div", { className: "lab-legend" }, [this.legendToggle]);
    this.hidden = new Set(); // legend groups the user switched off, in every view
    this.root.append(this.bar, this.legend, this.row, this.boxes.loss);
    this.parent.appendChild(this.root);

    this.playButton.addEventListener("click", () => this.togglePlay());
    this.slider.addEventListener("input", () => this.moveTo(Number(this.slider.value), true));
    this.speedSelect.addEventListener("change", () => this.setSpeed(Number(this.speedSelect.value)));
    this.resetButton.addEventListener("click", () => this.resetCamera());
    this.legendToggle.addEventListener("click", () => {
      this.legend.classList.toggle("lab-collapsed");
      this.showLegendToggle();
    });
    this.onKey = (event) => this.key(event);
    window.addEventListener("keydown", this.onKey);
    this.resizer = new ResizeObserver(() => this.resized());
    this.resizer.observe(this.root);
    this.frame = this.frame.bind(this);
  }

  destroy() {
    this.playing = false;
    window.removeEventListener("keydown", this.onKey);
    if (this.onPointerUp) window.removeEventListener("pointerup", this.onPointerUp, true);
    this.resizer.disconnect();
    for (const timer of Object.values(this.timers)) clearTimeout(timer);
    if (window.Plotly) for (const div of Object.values(this.divs)) window.Plotly.purge(div);
    this.root.remove();
    delete this.parent.__labView;
  }

  setCallbacks(setTriggerValue) {
    this.setTriggerValue = setTriggerValue;
  }

  // A new manifest from Python: rebuild what changed, keep the step, playback and camera of the user.
  async update(manifest) {
    const generation = ++this.generation;
    const Plotly = await loadPlotly(new URL(manifest.plotly, this.base).href);
    const surface = await payload(manifest.payloads.surface);
    const layouts = await payload(manifest.payloads.layout);
    const runs = await Promise.all(manifest.payloads.runs.map(payload));
    if (generation !== this.generation) return; // a newer manifest arrived meanwhile
    this.Plotly = Plotly;
    this.applyLabels(manifest);
    const wasAtEnd = this.manifest && this.step >= this.steps;
    this.manifest = manifest;
    this.steps = manifest.steps;
    this.slider.max = String(this.steps);
    if (manifest.step_token !== this.stepToken) { // Python moved the step (a link, a preset): follow it
      this.stepToken = manifest.step_token;
      if (this.playing) this.pause();
      this.step = manifest.step;
    } else if (wasAtEnd) {
      this.step = this.steps; // at the end it stays at the end when the runs get longer
    }
    this.step = Math.min(this.step, this.steps);
    this.acknowledge(manifest.heard ?? {});
    if (this.pending.size) this.resend(); // a run ended without hearing them (e.g. it was a new process's first)
    this.root.dataset.views = manifest.views.join(",");
    for (const view of VIEWS) {
      this.boxes[view].style.display = manifest.views.includes(view) ? "" : "none";
    }
    let changed = false;
    for (const view of manifest.views) {
      const spec = manifest.figures[view];
      const source = [manifest.payloads.surface, manifest.payloads.layout, ...manifest.payloads.runs,
        JSON.stringify({ ...spec, config: withoutDownloadName(spec.config) })].join("|");
      if (this.figures[view]?.source === source) { // nothing of this view changed but perhaps its download name
        this.figures[view].config = spec.config;
        nameDownloads(this.divs[view], spec.config);
        continue;
      }
      const traces = [...(surface.views[view]?.under ?? []), ...runs.flatMap((run) => run.views[view] ?? []),
        ...(surface.views[view]?.over ?? []), ...(spec.inline ?? [])];
      this.figures[view] = { source, layout: layouts.views[view], config: spec.config,
        entries: traces.map(steppedTrace), version: ++this.versions };
      this.drawing[view] ??= { busy: false, drawnVersion: null, drawnStep: null, lastMs: 0, lastStart: 0 };
      changed = true;
    }
    if (changed) this.buildLegend();
    this.sized();
    if (manifest.camera_token !== this.cameraToken && this.figures.surface) this.figures.surface.version = ++this.versions;
    this.cameraToken = manifest.camera_token;
    this.showStep();
    this.requestFrame();
  }

  applyLabels(manifest) {
    const labels = manifest.labels;
    this.labels = labels;
    this.speedLabel.firstChild.textContent = labels.speed;
    this.resetButton.textContent = labels.reset_camera;
    this.resetButton.style.display = manifest.views.includes("surface") ? "" : "none";
    this.hint.textContent = labels.keys;
    this.hint.style.display = manifest.projector ? "none" : ""; // a lecture hall needs the room, not the hint
    this.slider.setAttribute("aria-label", labels.step);
    this.showPlaying();
    this.showLegendToggle();
  }

  showLegendToggle() {
    if (!this.labels) return;
    const collapsed = this.legend.classList.contains("lab-collapsed");
    this.legendToggle.textContent = `${collapsed ? "▸" : "▾"} ${this.labels.legend}`;
  }

  // One legend for the three views (their Plotly legends are off on the page): a click on an entry hides or
  // shows that run, or that kind of point, everywhere at once.
  buildLegend() {
    for (const item of [...this.legend.querySelectorAll(".lab-legend-item")]) item.remove();
    const seen = new Set();
    for (const view of this.manifest.views) {
      for (const entry of this.figures[view]?.entries ?? []) {
        const trace = entry.template;
        const group = trace.legendgroup ?? trace.name;
        if (trace.showlegend === false || !trace.name || seen.has(group) || trace.type === "surface") continue;
        if (trace.type !== "scatter" && trace.type !== "scatter3d") continue;
        seen.add(group);
        const item = element("span", { className: "lab-legend-item", "data-group": group, role: "button",
          tabindex: "0", title: trace.name }, [legendSymbol(trace), element("span", { text: trace.name })]);
        item.classList.toggle("lab-hidden", this.hidden.has(group));
        const toggle = () => this.toggleGroup(group);
        item.addEventListener("click", toggle);
        item.addEventListener("keydown", (event) => { if (event.key === "Enter") toggle(); });
        this.legend.appendChild(item);
      }
    }
  }

  toggleGroup(group) {
    if (this.hidden.has(group)) this.hidden.delete(group);
    else this.hidden.add(group);
    this.legend.querySelector(`[data-group="${CSS.escape(group)}"]`)?.classList.toggle("lab-hidden", this.hidden.has(group));
    for (const figure of Object.values(this.figures)) figure.version = ++this.versions;
    this.requestFrame();
  }

  // --- sizes: the plots take the width they have, as tall as the screen allows ---------------------------

  sized() {
    const width = this.root.clientWidth || this.parent.clientWidth || 800;
    const plots = this.manifest.views.filter((view) => view !== "loss").length;
    const side = plots > 1 && width >= 2 * MIN_PLOT_WIDTH + PLOT_GAP;
    const column = side ? (width - PLOT_GAP) / 2 : width;
    const screen = window.innerHeight || 900;
    // As tall as the screen leaves below the bar and the legend, no taller than the plot is wide.
    const room = screen - this.bar.offsetHeight - this.legend.offsetHeight - SCREEN_MARGIN_PX;
    const plot = Math.round(clamp(column * 0.92, MIN_PLOT_HEIGHT, Math.max(MIN_PLOT_HEIGHT, room)));
    const loss = Math.round(clamp(screen * 0.32, MIN_LOSS_HEIGHT, MAX_LOSS_HEIGHT));
    const sizes = { contour: plot, surface: plot, loss };
    this.row.classList.toggle("lab-stacked", !side);
    let changed = false;
    for (const view of VIEWS) {
      if (this.heights?.[view] !== sizes[view]) changed = true;
      this.boxes[view].style.height = `${sizes[view]}px`;
    }
    this.heights = sizes;
    return changed;
  }

  showPlaying() {
    if (!this.labels) return;
    this.playButton.textContent = this.playing ? `⏸ ${this.labels.pause}` : `▶ ${this.labels.play}`;
    this.root.dataset.playing = this.playing ? "1" : "0";
  }

  showStep() {
    this.slider.value = String(this.step);
    this.stepLabel.textContent = `${this.labels ? this.labels.step : ""} ${this.step} / ${this.steps}`;
    this.root.dataset.step = String(this.step);
  }

  // --- stepping and playback ---------------------------------------------------------------------------

  moveTo(step, fromUser) {
    const clipped = Math.min(Math.max(Math.round(step), 0), this.steps);
    if (fromUser && this.playing) this.pause();
    this.step = clipped;
    this.showStep();
    this.requestFrame();
    if (fromUser) this.reportStepSoon();
  }

  togglePlay() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (this.steps <= 0) return;
    if (this.step >= this.steps) this.step = 0; // play from the end starts over
    this.playing = true;
    this.clockStart = performance.now();
    this.stats.played = [Math.round(this.clockStart)];
    this.clockStep = this.step;
    this.showPlaying();
    this.requestFrame();
  }

  pause() {
    if (this.playing && this.stats.played) this.stats.played.push(Math.round(performance.now()), this.step);
    this.playing = false;
    for (const drawing of Object.values(this.drawing)) { // a view moved in place is drawn by Plotly again
      if (drawing.inPlace) drawing.drawnStep = null;
      drawing.inPlace = false;
    }
    this.requestFrame();
    this.showPlaying();
    this.reportStep();
  }

  setSpeed(speed) {
    if (this.playing) { // keep the position, change the pace from here
      this.clockStart = performance.now();
      this.clockStep = this.step;
    }
    this.speed = speed;
  }

  clockedStep(now) {
    const seconds = this.manifest.play_seconds / this.speed;
    return this.clockStep + Math.floor(((now - this.clockStart) / 1000) * (this.steps / seconds));
  }

  key(event) {
    const target = event.target;
    const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    const mine = this.root.contains(target);
    if (typing && target !== this.slider) return;
    if (!mine && target !== document.body) return;
    if (!mine && !this.isPrimary()) return;
    if (event.key === " " || event.code === "Space") {
      if (target instanceof HTMLButtonElement) return; // the button's own click does it
      event.preventDefault();
      this.togglePlay();
    } else if (target !== this.slider && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
      event.preventDefault();
      const delta = (event.key === "ArrowLeft" ? -1 : 1) * (event.shiftKey ? 10 : 1);
      this.moveTo(this.step + delta, true);
    }
  }

  isPrimary() { // the first visible views of the page take the keys typed outside any control
    const all = [...document.querySelectorAll(".lab-views")].filter((node) => node.offsetParent !== null);
    return all[0] === this.root;
  }

  // The step goes back to Python once the user has stopped moving it and every view shows it: a rerun then
  // cannot hold up the drawing.
  reportStepSoon() {
    clearTimeout(this.timers.step);
    this.timers.step = setTimeout(() => (this.settled() ? this.reportStep() : this.reportStepSoon()), REPORT_STEP_MS);
  }

  settled() {
    return !this.playing && this.manifest.views.every((view) => {
      const drawing = this.drawing[view];
      return drawing && !drawing.busy && drawing.drawnStep === this.step && drawing.drawnVersion === this.figures[view].version;
    });
  }

  reportStep() {
    clearTimeout(this.timers.step);
    if (!this.setTriggerValue) return;
    this.stats.reports += 1;
    this.stats.reported = [this.step, performance.now()];
    this.send("step", this.step);
  }

  // --- events to Python, until it has heard them -----------------------------------------------------------
  // Each event carries an id; the manifest lists the last id Python applied per event. An event Python did not
  // hear (the first change after reconnecting to a new server process runs before its callbacks exist) is sent
  // again. Every event is idempotent: the step, the camera, the start point.

  send(name, value) {
    if (!this.setTriggerValue) return;
    const event = { value, id: ++this.eventSeq, tries: 1 };
    this.pending.set(name, event);
    this.setTriggerValue(name, { value, id: event.id });
    this.armResend();
  }

  acknowledge(heard) {
    for (const [name, event] of [...this.pending]) if (heard[name] === event.id) this.pending.delete(name);
  }

  resend(askForThePage = false) {
    for (const [name, event] of this.pending) {
      if (event.tries >= EVENT_TRIES) { this.pending.delete(name); continue; }
      event.tries += 1;
      if (!askForThePage) this.setTriggerValue(name, { value: event.value, id: event.id });
    }
    if (!this.pending.size) return;
    // No run came back. A server process the tab reconnected to knows no fragment until the whole page has run
    // on it, and drops a fragment's rerun: the page's own element (mountPage) asks for a run of the whole page
    // (alone: Streamlit sends values set together as one rerun, of the fragment), whose manifest brings the
    // events back here to be sent again.
    if (askForThePage) window.dispatchEvent(new Event(PAGE_RUN_EVENT));
    this.armResend();
  }

  armResend() { // no run has come back: send again, waiting twice as long each time
    const tries = Math.max(...[...this.pending.values()].map((event) => event.tries), 1);
    clearTimeout(this.timers.resend);
    this.timers.resend = setTimeout(() => this.resend(true), RESEND_MS * 2 ** (tries - 1));
  }

  // --- drawing ------------------------------------------------------------------------------------------

  requestFrame() {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(this.frame);
  }

  frame(now) {
    this.frameRequested = false;
    if (!this.manifest) return;
    const surface = this.drawing.surface;
    if (surface?.costPending) { // the frame that drew the 3D view: its JavaScript and the WebGL compositing
      surface.frameCost = now - surface.lastStart;
      surface.costPending = false;
    }
    if (this.playing) {
      const step = Math.min(this.clockedStep(now), this.steps);
      if (step !== this.step) {
        this.step = step;
        this.showStep();
      }
      if (this.step >= this.steps) this.pause();
    }
    let pending = false;
    for (const view of this.manifest.views) {
      const figure = this.figures[view];
      const drawing = this.drawing[view];
      if (!figure || drawing.drawnStep === this.step && drawing.drawnVersion === figure.version) continue;
      pending = true;
      if (drawing.busy) continue;
      if (view === "surface" && this.playing && this.surfaceWaits(drawing, now)) continue;
      this.draw(view, figure, drawing, this.step);
      if (view === "surface") drawing.costPending = this.playing;
    }
    if (this.playing || pending) this.requestFrame();
  }

  // While playing, the 3D view takes at most 1 / SURFACE_PLAY_SHARE of the time: a slow renderer (software
  // WebGL holds every frame of the page ~170 ms) redraws it less often instead of holding the clock or the
  // other views back; a GPU that draws it within a frame redraws it every frame.
  surfaceWaits(drawing, now) {
    const cost = Math.max(drawing.lastMs, (drawing.frameCost ?? 0) - FRAME_MS);
    return now - drawing.lastStart < SURFACE_PLAY_SHARE * cost;
  }

  async draw(view, figure, drawing, step) {
    drawing.busy = true;
    const started = performance.now();
    drawing.lastStart = started;
    try {
      const div = this.divs[view];
      const whole = drawing.drawnVersion !== figure.version || !div._fullLayout;
      if (whole) await this.redraw(view, figure, step);
      else if (!(this.playing && this.movedInPlace(view, figure, step))) await this.stepTo(view, figure, step);
      else drawing.inPlace = true;
      const counts = (this.stats.frames[view] ??= { count: 0, steps: [] });
      counts.count += 1;
      const now = performance.now();
      if (counts.steps.length < 4000) counts.steps.push([step, Math.round(now), Math.round(now - started)]);
    } catch (error) {
      console.error("lab view: drawing failed", view, error);
    } finally {
      drawing.drawnStep = step;
      drawing.drawnVersion = figure.version;
      drawing.lastMs = performance.now() - started;
      drawing.busy = false;
      this.requestFrame();
    }
  }

  // The entries a view's (top) plot holds, in its order: the contour's surface layer is a plot of its own.
  shownEntries(view, figure) {
    return view === "contour" ? figure.entries.filter((e) => !BASE_ROLES.has(e.role)) : figure.entries;
  }

  // A trace as drawn at a step, switched off if the user hid its legend group.
  drawnTrace(entry, step) {
    const trace = traceAtStep(entry, step);
    const group = entry.template.legendgroup ?? entry.template.name;
    return this.hidden.has(group) ? { ...trace, visible: false } : trace;
  }

  // The page's layout of a view: its figure's, at the height it has here and without its own legend.
  pageLayout(view, figure, step) {
    return { ...layoutAtStep(figure.layout, step), height: this.heights[view], autosize: true, showlegend: false };
  }

  // A new figure (a manifest changed it) or the 3D view (WebGL has no partial update): the whole plot again.
  async redraw(view, figure, step) {
    const div = this.divs[view];
    const first = !div._fullLayout;
    const layout = this.pageLayout(view, figure, step);
    if (view === "contour") Object.assign(layout, { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)" });
    if (view === "surface") {
      // The scene's camera (a link, the user's own reported back); a camera Python set anew replaces the
      // user's (a new uirevision), otherwise Plotly keeps the one the user turned.
      if (this.manifest.camera) layout.scene = { ...layout.scene, camera: this.manifest.camera };
      layout.uirevision = `${layout.uirevision}-${this.cameraToken}`;
    }
    const traces = this.shownEntries(view, figure).map((entry) => this.drawnTrace(entry, step));
    await this.Plotly.react(div, traces, layout, drawnConfig(div, figure.config));
    nameDownloads(div, figure.config);
    if (first && view === "surface") this.watchCamera(div);
    if (first && view === "contour") this.watchContour(div);
    if (view === "contour") await this.followContour();
  }

  // Only the step changed: the stepped traces and the step's layout fields, without redrawing the rest.
  async stepTo(view, figure, step) {
    const div = this.divs[view];
    if (view === "surface") return this.redraw(view, figure, step);
    const entries = this.shownEntries(view, figure);
    const indices = [];
    const data = [];
    entries.forEach((entry, index) => {
      if (!isStepped(entry)) return;
      const trace = traceAtStep(entry, step);
      const update = {};
      for (const field of Object.keys(entry.whole)) update[field] = trace[field];
      indices.push(index);
      data.push(update);
    });
    await this.Plotly.animate(div, { data, traces: indices, layout: { meta: { ...(figure.layout.meta ?? {}), step } } },
      { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" });
    const moved = {};
    (figure.layout.shapes ?? []).forEach((shape, index) => {
      if (shape.name === STEP_SHAPE) Object.assign(moved, { [`shapes[${index}].x0`]: step, [`shapes[${index}].x1`]: step });
    });
    const title = this.titleAtStep(div, figure, step);
    if (title) title();
    else moved["meta.step"] = step; // a relayout draws the title again
    if (Object.keys(moved).length) await this.Plotly.relayout(div, moved);
  }

  // While playing, a frame moves what Plotly drew of the stepped traces, the step line and the title itself:
  // Plotly's own update (stepTo) supplies every trace's defaults and calculates it again, 20–60 ms a view in
  // software rendering here, against about 1 ms for this. Once playback stops, stepTo draws the step properly
  // (hover labels, Plotly's own data). False, having moved nothing, where the drawing is not one this can move
  // (a trace drawn without a point to copy, a value that is not finite, a title with markup): then stepTo.
  movedInPlace(view, figure, step) {
    const div = this.divs[view];
    const entries = this.shownEntries(view, figure);
    if (view === "surface" || !div.calcdata || div.calcdata.length !== entries.length) return false;
    const { xaxis, yaxis } = div._fullLayout;
    const moves = [];
    for (const [index, entry] of entries.entries()) {
      if (!isStepped(entry) || this.hidden.has(entry.template.legendgroup ?? entry.template.name)) continue;
      const move = this.tracePlacement(div.calcdata[index][0]?.node3?.node(), entry, step, xaxis, yaxis);
      if (!move) return false;
      moves.push(move);
    }
    const title = this.titleAtStep(div, figure, step);
    if (!title) return false;
    moves.push(title);
    for (const [index, shape] of (figure.layout.shapes ?? []).entries()) {
      if (shape.name !== STEP_SHAPE) continue;
      const nodes = [...div.querySelectorAll(`.shapelayer path[data-index="${index}"]`)];
      const ends = nodes.map((node) => /^M([-\d.e]+),([-\d.e]+)L([-\d.e]+),([-\d.e]+)$/.exec(node.getAttribute("d") ?? ""));
      if (!nodes.length || ends.some((found) => !found)) return false;
      const x = xaxis._offset + xaxis.c2p(step);
      moves.push(() => nodes.forEach((node, i) => node.setAttribute("d", `M${x},${ends[i][2]}L${x},${ends[i][4]}`)));
    }
    moves.forEach((move) => move());
    return true;
  }

  // What shows the step in the title: Plotly fills %{meta.step} in when it draws a plot whole, Plotly.animate
  // leaves the title as it was. Null for a title this cannot write (markup in it, or not drawn).
  titleAtStep(div, figure, step) {
    const title = figure.layout.title?.text ?? "";
    if (!title.includes(STEP_TEMPLATE)) return () => {};
    const node = div.querySelector(".g-gtitle text.gtitle");
    if (!node || /[<&]/.test(title)) return null;
    return () => { node.textContent = title.replaceAll(STEP_TEMPLATE, String(step)); };
  }

  // How to show a stepped trace's rows at a step in the SVG Plotly drew for it: its line through them, one
  // marker on each (markers copied from the last one drawn, or taken away); null if it cannot be done.
  tracePlacement(node, entry, step, xaxis, yaxis) {
    const mode = entry.template.mode ?? "";
    if (!node || mode.includes("text") || !entry.whole.x || !entry.whole.y) return null;
    const [first, end] = shownRows(entry, step) ?? [0, entry.length];
    const pixels = [];
    for (let row = first; row < end; row += 1) {
      const x = xaxis.c2p(entry.whole.x[row]);
      const y = yaxis.c2p(entry.whole.y[row]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
      pixels.push(`${x.toFixed(2)},${y.toFixed(2)}`);
    }
    const line = node.querySelector("path.js-line");
    const points = [...node.querySelectorAll("path.point")];
    if (mode.includes("lines") && !line && pixels.length > 1) return null;
    if (mode.includes("markers") && !points.length && pixels.length) return null;
    return () => {
      if (line) line.setAttribute("d", pixels.length > 1 ? `M${pixels.join("L")}` : "");
      if (!mode.includes("markers")) return;
      for (const extra of points.splice(pixels.length)) extra.remove();
      while (points.length < pixels.length) points.push(points[points.length - 1].parentNode.appendChild(points[points.length - 1].cloneNode()));
      points.forEach((point, i) => point.setAttribute("transform", `translate(${pixels[i]})`));
    };
  }

  // The contour's surface layer takes the top layer's plot area and axis ranges whenever they change.
  async followContour() {
    const top = this.divs.contour;
    const figure = this.figures.contour;
    if (!figure || !top._fullLayout || !this.manifest?.views.includes("contour")) return;
    const key = [this.manifest.payloads.surface, this.manifest.payloads.layout, contourAreaKey(top._fullLayout)].join("|");
    if (key === this.contourBaseKey) return;
    this.contourBaseKey = key;
    await this.drawContourBase(figure, top, this.divs.contourBase);
  }

  async drawContourBase(figure, top, bottom) {
    const full = top._fullLayout;
    const size = full._size;
    const axis = (name) => ({ ...figure.layout[name], range: full[name].range.slice(), autorange: false,
      showticklabels: false, ticks: "", title: { text: "" } });
    const layout = {
      ...figure.layout, title: { text: "" }, showlegend: false, shapes: [], annotations: [],
      width: full.width, height: full.height,
      margin: { l: size.l, r: size.r, t: size.t, b: size.b, pad: full.margin.pad, autoexpand: false },
      xaxis: axis("xaxis"), yaxis: axis("yaxis"),
    };
    // Colour bars next to the plot, not at the page's right edge (the plot keeps its aspect ratio).
    let bars = 0;
    const traces = figure.entries.filter((e) => BASE_ROLES.has(e.role)).map((e) => this.drawnTrace(e, 0)).map((trace) => {
      if (!trace.colorbar) return trace;
      const x = full.xaxis.domain[1] + (COLORBAR_GAP_PX + COLORBAR_STRIDE_FONTS * full.font.size * bars++) / size.w;
      return { ...trace, colorbar: { ...trace.colorbar, x, xanchor: "left" } };
    });
    await this.Plotly.react(bottom, traces, layout,
      { ...withoutDownloadName(figure.config), staticPlot: true, responsive: false });
  }

  watchContour(top) {
    top.on("plotly_relayout", () => this.followContour()); // zoom and pan: the bottom layer follows
    let down = null;
    let pendingClick = null;
    const drag = () => top.querySelector(".nsewdrag");
    top.addEventListener("pointerdown", (event) => {
      if (event.target === drag()) down = { x: event.clientX, y: event.clientY };
    }, true);
    // Plotly covers the page while a drag may start, so the release reaches the window, not the plot.
    this.onPointerUp = (event) => {
      const start = down;
      down = null;
      if (!start || Math.hypot(event.clientX - start.x, event.clientY - start.y) > CLICK_SLOP_PX) return;
      if (pendingClick) { clearTimeout(pendingClick); pendingClick = null; return; } // a double click zooms out
      const rect = drag().getBoundingClientRect();
      const full = top._fullLayout;
      const x = full.xaxis.p2d(event.clientX - rect.left);
      const y = full.yaxis.p2d(event.clientY - rect.top);
      pendingClick = setTimeout(() => {
        pendingClick = null;
        this.stats.clicks += 1;
        this.send("click", { x, y });
      }, DOUBLE_CLICK_MS);
    };
    window.addEventListener("pointerup", this.onPointerUp, true);
  }

  watchCamera(div) {
    div.on("plotly_relayout", (change) => {
      if (!Object.keys(change).some((name) => name.startsWith("scene.camera"))) return;
      clearTimeout(this.timers.camera);
      this.timers.camera = setTimeout(() => {
        const camera = div._fullLayout.scene._scene.getCamera(); // what is on screen: the layout lags a drag
        const plain = (point) => ({ x: point.x, y: point.y, z: point.z });
        this.send("camera", { eye: plain(camera.eye), center: plain(camera.center), up: plain(camera.up) });
      }, REPORT_CAMERA_MS);
    });
  }

  resetCamera() {
    if (!this.manifest || !this.Plotly || !this.divs.surface._fullLayout) return;
    this.Plotly.relayout(this.divs.surface, { "scene.camera": this.manifest.default_camera });
  }

  async resized() {
    if (!this.Plotly || !this.manifest) return;
    if (this.sized()) { // new heights: every view drawn again at its size
      for (const view of this.manifest.views) if (this.figures[view]) this.figures[view].version = ++this.versions;
      this.requestFrame();
      return;
    }
    const shown = this.manifest.views.map((view) => this.divs[view]).filter((div) => div._fullLayout);
    await Promise.all(shown.map((div) => this.Plotly.Plots.resize(div)));
    this.followContour();
  }
}

export async function mountViews(component, base) {
  const { data, parentElement, setTriggerValue } = component;
  let view = parentElement.__labView;
  if (!view) {
    view = new LabView(parentElement, base);
    parentElement.__labView = view;
    STATS[data.key] = view.stats;
  }
  view.setCallbacks(setTriggerValue);
  await view.update(data);
  return () => view.destroy();
}
