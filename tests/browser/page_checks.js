// What a person would call broken on the page as it is now, read from the DOM (tests/browser/test_page_walk.py).
// Called as page.evaluate(source, options); returns {defects: [{kind, where, text, detail, area, y}], notes: [string]}
// (area and y: the scrolling area, main or sidebar, and the height in it where the defect is).
//
// options: {english: bool, keys: [i18n keys], keyPrefixes: [first parts of the keys],
//           allowedNone: [translations that contain the word None], exempt: [selectors whose text is exempt
//           from the language check (the language switch itself)]}
(options) => {
  const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]/;
  const REPRS = [/<[\w.]+ object at 0x[0-9a-f]+>?/i, /\bnp\.(float|int|uint|bool)\w*\(/, /\barray\(\[/, /\bdtype=/,
    /\bTraceback \(most recent call last\)/];
  const FILE_SUFFIXES = new Set(["md", "csv", "json", "png", "svg", "gif", "html", "zip", "py", "js", "txt"]);
  const KEYS = new Set(options.keys);
  const KEY_PATTERN = new RegExp(`(?<![\\w.])(?:${options.keyPrefixes.join("|")})(?:\\.[a-z0-9_]+)+(?![\\w.])`, "g");
  const ALLOWED_NONE = new Set(options.allowedNone);
  const STREAMLIT_PLACEHOLDERS = new Set(["Choose an option", "Choose options", "Select..."]);
  const SCROLLERS = new Set(["stMain", "stSidebarContent"]); // the page's own scrolling areas
  const TOLERANCE = 1; // px, as in `scrollWidth > clientWidth + 1`
  const OVERLAP_PX = 3;

  const defects = [];
  const notes = [];
  const reported = new Set();

  // --- describing where a thing is ---------------------------------------------------------------------

  const clip = (text, n = 80) => {
    const flat = String(text).replace(/\s+/g, " ").trim();
    return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
  };

  function streamlitKey(el) {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      if (node.getAttribute("role") === "tabpanel") break; // the tabs' own key names no element
      const key = [...(node.classList ?? [])].find((c) => c.startsWith("st-key-"));
      if (key) return key.slice("st-key-".length);
    }
    return null;
  }

  function widgetLabel(el) {
    const box = el.closest?.("[data-testid=stElementContainer], .stElementContainer");
    const label = box?.querySelector("[data-testid=stWidgetLabel]");
    return label ? clip(label.textContent, 40) : null;
  }

  function where(el) {
    const parts = [];
    parts.push(el.closest("[data-testid=stSidebar]") ? "sidebar" : "main");
    const plot = el.closest(".js-plotly-plot");
    const testid = el.closest("[data-testid^=st]:not([data-testid=stMarkdownContainer]):not([data-testid=stVerticalBlock])")
      ?.dataset.testid;
    if (testid) parts.push(testid);
    const key = streamlitKey(el);
    if (key) parts.push(`key=${key}`);
    const label = widgetLabel(el);
    if (label && !plot) parts.push(`label "${label}"`);
    if (plot) parts.push(`plot "${plotName(plot)}"`);
    const lab = el.closest(".lab-legend, .lab-bar");
    if (lab) parts.push(lab.className.split(" ")[0]);
    return parts.join(" › ");
  }

  function plotName(gd) {
    const title = gd.querySelector(".gtitle")?.textContent?.trim();
    if (title) return clip(title, 50);
    const layer = gd.closest(".lab-plot")?.className.match(/lab-(contour|surface|loss)/);
    if (layer) return `${layer[1]} view`;
    return streamlitKey(gd) ?? "untitled plot";
  }

  // Where the element is on its scrolling area (main or sidebar), for the screenshot that shows it.
  function position(el) {
    const scroller = el.closest("[data-testid=stMain], [data-testid=stSidebarContent]");
    const top = el.getBoundingClientRect().top;
    if (!scroller) return { area: "fixed", y: top };
    return { area: scroller.dataset.testid === "stMain" ? "main" : "sidebar",
      y: top - scroller.getBoundingClientRect().top + scroller.scrollTop };
  }

  function add(kind, el, text, detail = "", length = 80) {
    const entry = { kind, where: el ? where(el) : "page", text: clip(text, length), detail, ...(el ? position(el) : { area: "fixed", y: 0 }) };
    const id = `${entry.kind}|${entry.where}|${entry.text}`;
    if (reported.has(id)) return;
    reported.add(id);
    defects.push(entry);
  }

  // --- what is on screen ---------------------------------------------------------------------------------

  function shown(el) {
    if (!el || !el.isConnected) return false;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  }

  function exempt(el) {
    return options.exempt.some((selector) => el.closest(selector));
  }

  // A text node drawn beyond the box of an ancestor that cuts off what overflows it (overflow hidden, an
  // ellipsis, or a scrolling box whose hidden part needs a scroll to see).
  const clippers = new Map();
  function clippingAncestors(el) {
    if (clippers.has(el)) return clippers.get(el);
    const found = [];
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      if (node instanceof SVGElement) continue;
      const style = getComputedStyle(node);
      const x = style.overflowX !== "visible" || style.textOverflow === "ellipsis";
      const y = style.overflowY !== "visible" && style.overflowY !== "auto" && style.overflowY !== "scroll";
      if (x || y) found.push({ node, x, y });
      if (SCROLLERS.has(node.dataset?.testid)) break;
    }
    clippers.set(el, found);
    return found;
  }

  // Text nodes a person can see (scrolling the page to them if need be), with their element.
  function visibleTexts() {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        const parent = node.parentElement;
        if (!parent || !node.textContent.trim()) return NodeFilter.FILTER_REJECT;
        if (parent.closest("script, style, noscript, template, #js-plotly-tester, [data-testid=stDataFrame] table"))
          return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    const shownCache = new Map();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!shownCache.has(parent)) shownCache.set(parent, shown(parent));
      if (!shownCache.get(parent)) continue;
      if (clippingAncestors(parent).some(({ node: box }) => box.clientWidth <= 1 || box.clientHeight <= 1)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rect = range.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || rect.right < 0 || rect.bottom < 0) continue;
      out.push({ node, element: parent, text: node.textContent, rect, range });
    }
    return out;
  }

  // --- text: language, keys, None, Python reprs -----------------------------------------------------------

  function checkText(text, el, { cell = false } = {}) {
    const flat = text.replace(/\s+/g, " ").trim();
    if (!flat) return;
    if (options.english && HANGUL.test(flat) && !exempt(el)) add("hangul in English", el, flat);
    for (const match of flat.matchAll(KEY_PATTERN)) {
      const token = match[0];
      const suffix = token.split(".").pop();
      if (KEYS.has(token) || !FILE_SUFFIXES.has(suffix)) add("untranslated key", el, flat, token);
    }
    if (/\bNone\b/.test(flat) && (cell || !ALLOWED_NONE.has(flat))) add("Python None", el, flat);
    for (const pattern of REPRS) if (pattern.test(flat)) add("Python repr", el, flat);
    if (STREAMLIT_PLACEHOLDERS.has(flat)) add("Streamlit's default placeholder", el, flat);
  }

  const texts = visibleTexts();
  for (const { text, element } of texts) checkText(text, element);
  for (const input of document.querySelectorAll("input, textarea")) {
    if (!shown(input) || ["range", "checkbox", "radio", "hidden", "color"].includes(input.type)) continue;
    if (input.value) checkText(input.value, input);
    else if (input.placeholder) checkText(input.placeholder, input);
  }
  for (const select of document.querySelectorAll("select")) {
    if (shown(select) && select.selectedOptions[0]) checkText(select.selectedOptions[0].textContent, select);
  }

  // --- clipped text --------------------------------------------------------------------------------------

  const overflowing = (el) => el.scrollWidth > el.clientWidth + TOLERANCE;

  // The element's padding box, where its content is drawn.
  function contentBox(el) {
    const rect = el.getBoundingClientRect();
    const left = rect.left + el.clientLeft;
    const top = rect.top + el.clientTop;
    return { left, top, right: left + el.clientWidth, bottom: top + el.clientHeight };
  }

  for (const { element, text, range } of texts) {
    if (element instanceof SVGElement || element.closest(".js-plotly-plot")) continue;
    // KaTeX places sub- and superscripts outside its own boxes, and its line boxes are taller than the ink:
    // a formula counts as clipped only across (a display formula too wide for its column).
    const formula = element.closest(".katex");
    ancestors: for (const { node, x, y } of clippingAncestors(element)) {
      if ((node.clientWidth === 0 && node.clientHeight === 0) || (formula && formula.contains(node))) continue;
      const box = contentBox(node);
      for (const line of range.getClientRects()) {
        const cutX = x && (line.right > box.right + TOLERANCE || line.left < box.left - TOLERANCE);
        const cutY = y && !formula && (line.bottom > box.bottom + 2 * TOLERANCE || line.top < box.top - 2 * TOLERANCE);
        if (cutX || cutY) {
          add("clipped text", node, text, cutX ? `${Math.round(line.width)} px of text in ${node.clientWidth} px`
            : `${Math.round(line.height)} px tall line in ${node.clientHeight} px`);
          break ancestors; // the innermost box that cuts it is the one to fix
        }
      }
    }
  }

  // Controls whose own label does not fit them, whatever their overflow style.
  const LABELLED = ["button", "[role=tab]", "label", "summary", "[data-testid=stWidgetLabel]",
    "[data-testid=stMetricValue]", "[data-testid=stMetricLabel]", "td", "th", ".lab-legend-item", ".lab-bar > *"];
  for (const el of document.querySelectorAll(LABELLED.join(","))) {
    if (!shown(el) || !el.textContent.trim() || el.closest(".js-plotly-plot, [data-testid=stDataFrame]")) continue;
    if (overflowing(el)) add("clipped text", el, el.textContent, `${el.scrollWidth} px of content in ${el.clientWidth} px`);
  }
  for (const input of document.querySelectorAll("input")) {
    if (!shown(input) || ["range", "checkbox", "radio", "hidden", "color"].includes(input.type) || !input.value) continue;
    if (overflowing(input)) add("clipped input value", input, input.value, `${input.scrollWidth} px in ${input.clientWidth} px`);
  }
  // The views' legend: every item inside the legend's box (it wraps; an item wider than the box sticks out).
  for (const legend of document.querySelectorAll(".lab-legend")) {
    if (!shown(legend) || legend.classList.contains("lab-collapsed")) continue;
    const box = legend.getBoundingClientRect();
    for (const item of legend.querySelectorAll(".lab-legend-item")) {
      const rect = item.getBoundingClientRect();
      if (rect.right > box.right + TOLERANCE || rect.left < box.left - TOLERANCE)
        add("clipped legend item", item, item.textContent, `${Math.round(rect.width)} px item, ${Math.round(box.width)} px legend`);
    }
  }

  // Two entries of one legend under the same name cannot be told apart.
  const legends = [...document.querySelectorAll(".lab-legend")].map((legend) => [legend, [...legend.querySelectorAll(".lab-legend-item")]])
    .concat([...document.querySelectorAll(".js-plotly-plot g.legend")].map((legend) => [legend, [...legend.querySelectorAll("g.traces")]]));
  for (const [legend, items] of legends) {
    if (!shown(legend)) continue;
    const names = items.map((item) => item.textContent.trim()).filter(Boolean);
    for (const name of new Set(names.filter((name, index) => names.indexOf(name) !== index)))
      add("same name twice in a legend", legend, name, `${names.filter((n) => n === name).length} entries`);
  }

  // st.dataframe draws on a canvas: its cells are read from the grid's React props (columns with their widths,
  // getCellContent) and measured with the grid's own font.
  const measure = document.createElement("canvas").getContext("2d");
  function gridProps(canvas) {
    const fiberKey = Object.keys(canvas).find((k) => k.startsWith("__reactFiber"));
    let columns = null;
    let content = null;
    for (let fiber = fiberKey && canvas[fiberKey]; fiber && !(columns && content); fiber = fiber.return) {
      const props = fiber.memoizedProps ?? {};
      if (!columns && Array.isArray(props.columns) && props.columns.every((c) => typeof c.width === "number")) columns = props.columns;
      if (!content && typeof props.getCellContent === "function" && typeof props.rows === "number") content = props;
    }
    return columns && content ? { columns, getCellContent: content.getCellContent, rows: content.rows } : null;
  }

  for (const frame of document.querySelectorAll("[data-testid=stDataFrame]")) {
    if (!shown(frame)) continue;
    const canvas = frame.querySelector("[data-testid=data-grid-canvas]");
    const grid = canvas && gridProps(canvas);
    if (!grid) { // Streamlit's grid changed: the check must learn to read it again
      add("table not checked", frame, "the grid's columns and cells could not be read from its React props");
      continue;
    }
    const editor = frame.querySelector(".stDataFrameGlideDataEditor") ?? frame;
    const style = getComputedStyle(editor);
    const family = style.getPropertyValue("--gdg-font-family").trim() || "sans-serif";
    const padding = parseFloat(style.getPropertyValue("--gdg-cell-horizontal-padding")) || 8;
    const baseFont = `${style.getPropertyValue("--gdg-base-font-style").trim() || "14px"} ${family}`;
    const headerFont = `${style.getPropertyValue("--gdg-header-font-style").trim() || "14px"} ${family}`;
    const textWidth = (text, font) => { measure.font = font; return measure.measureText(text).width; };
    const shownWidth = (frame.querySelector("[data-testid=stDataFrameResizable]") ?? frame).clientWidth;
    let right = 0;
    const hidden = [];
    grid.columns.forEach((column, c) => {
      right += column.width;
      const title = column.title ?? "";
      if (right > shownWidth + TOLERANCE) hidden.push(title || `column ${c + 1}`);
      checkText(title, frame);
      // The grid clips a cell's text at the cell's edge, after the text's leading padding.
      if (title && textWidth(title, headerFont) > column.width - padding + TOLERANCE)
        add("clipped table cell", frame, title, `header: ${Math.round(textWidth(title, headerFont))} px in a ${column.width} px column`);
      for (let r = 0; r < grid.rows; r++) {
        const cell = grid.getCellContent([c, r]);
        if (!cell || cell.kind === "image") continue;
        const text = cell.isMissingValue ? "None" : String(cell.displayData ?? cell.data ?? "");
        checkText(text, frame, { cell: true });
        const width = textWidth(text, baseFont);
        if (width > column.width - padding + TOLERANCE)
          add("clipped table cell", frame, text, `${Math.round(width)} px in a ${column.width} px column "${clip(title, 30)}"`);
      }
    });
    if (hidden.length) add("table wider than its box", frame, hidden.join(", "), `columns need a horizontal scroll in ${shownWidth} px`);
  }

  // --- Plotly: titles, legends and axis titles neither overlap nor leave the plot ----------------------------

  function labelledBoxes(gd) {
    const boxes = [];
    const push = (kind, el, text) => {
      if (!el || !shown(el)) return;
      const rect = el.getBoundingClientRect();
      if (rect.width > 0 && rect.height > 0) boxes.push({ kind, el, text: clip(text, 50), rect });
    };
    for (const title of gd.querySelectorAll("text.gtitle")) if (title.textContent.trim()) push("title", title, title.textContent);
    for (const legend of gd.querySelectorAll("g.legend")) {
      push("legend", legend.querySelector("rect.bg") ?? legend, "legend");
      for (const item of legend.querySelectorAll("g.traces")) push("legend item", item, item.textContent || "legend item");
    }
    for (const group of gd.querySelectorAll("g")) {
      const name = [...group.classList].find((c) => /^g-[xy]\d*title$/.test(c));
      if (!name) continue;
      const text = group.querySelector("text");
      if (text && text.textContent.trim()) push(`${name[2]} axis title`, text, text.textContent);
    }
    for (const title of gd.querySelectorAll(".cbtitle text")) if (title.textContent.trim()) push("colour bar title", title, title.textContent);
    for (const note of gd.querySelectorAll("g.annotation text")) if (note.textContent.trim()) push("annotation", note, note.textContent);
    for (const tick of gd.querySelectorAll("g.xtick text, g.ytick text")) if (tick.textContent.trim()) push("tick label", tick, tick.textContent);
    // The tool bar where it is drawn (Plotly fades its buttons, not the bar, in and out on hover).
    for (const bar of gd.querySelectorAll(".modebar")) {
      if ([...bar.querySelectorAll(".modebar-group")].some(shown)) push("mode bar", bar, "the plot's tool bar");
    }
    return boxes;
  }

  const overlap = (a, b) => [Math.min(a.right, b.right) - Math.max(a.left, b.left), Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)];

  let scenes = 0;
  for (const gd of document.querySelectorAll(".js-plotly-plot")) {
    if (!shown(gd) || !gd._fullLayout) continue;
    for (const name of Object.keys(gd._fullLayout).filter((key) => /^scene\d*$/.test(key))) {
      scenes += 1;
      for (const axis of ["xaxis", "yaxis", "zaxis"]) { // drawn in WebGL: their words are read from the layout
        const title = gd._fullLayout[name][axis]?.title?.text;
        if (title) checkText(String(title), gd);
      }
    }
    const area = gd.getBoundingClientRect();
    const boxes = labelledBoxes(gd);
    for (const box of boxes) {
      const r = box.rect;
      if (r.left < area.left - TOLERANCE || r.right > area.right + TOLERANCE || r.top < area.top - TOLERANCE
          || r.bottom > area.bottom + TOLERANCE)
        add("plot label outside its plot", box.el, `${box.kind} "${box.text}"`,
          `box ${Math.round(r.left - area.left)},${Math.round(r.top - area.top)} ${Math.round(r.width)}×${Math.round(r.height)}`
          + ` in a ${Math.round(area.width)}×${Math.round(area.height)} plot`);
    }
    // What the eye sees as overlapping: the legend's items (not its padded box) over a title, with more in
    // common than the blank line spacing that text boxes carry above and below their letters.
    const overlapping = boxes.filter((box) => box.kind !== "legend");
    const pairs = new Map(); // "kind × kind" → the labels involved, one defect per plot
    let first = null;
    for (let i = 0; i < overlapping.length; i++) {
      for (let j = i + 1; j < overlapping.length; j++) {
        const [a, b] = [overlapping[i], overlapping[j]];
        if (a.kind === b.kind && (a.kind === "legend item" || a.kind === "tick label")) continue;
        const [width, height] = overlap(a.rect, b.rect);
        if (width <= OVERLAP_PX || height <= OVERLAP_PX) continue;
        const names = pairs.get(`${a.kind} × ${b.kind}`) ?? new Set();
        // A legend item is named by what it covers (its own name is long and says little here).
        names.add(a.kind === "legend item" ? `"${b.text}"` : b.kind === "legend item" ? `"${a.text}"` : `"${a.text}" × "${b.text}"`);
        pairs.set(`${a.kind} × ${b.kind}`, names);
        first ??= a.el;
      }
    }
    if (first) {
      add("plot labels overlap", first, [...pairs].map(([kinds, names]) => `${kinds}: ${[...names].join(", ")}`).join("; "),
        "", 240);
    }
  }
  // Points along the part of a path that is drawn: Plotly shortens an arrow by a dash pattern (its standoff).
  function drawnLengths(path, length, samples = 60) {
    const dashes = getComputedStyle(path).strokeDasharray.split(/[ ,]+/).map(parseFloat).filter((v) => !Number.isNaN(v));
    const drawn = (at) => {
      if (!dashes.length || dashes.every((v) => v === 0)) return true;
      const pattern = dashes.length % 2 ? [...dashes, ...dashes] : dashes;
      let offset = at % pattern.reduce((a, b) => a + b, 0);
      for (let i = 0; i < pattern.length; i++) {
        if (offset < pattern[i]) return i % 2 === 0;
        offset -= pattern[i];
      }
      return false;
    };
    return Array.from({ length: samples + 1 }, (_, k) => (k / samples) * length).filter(drawn);
  }

  // Labels written inside their markers (a diagram's boxes: markers+text, text in the middle): each label inside
  // its box, the boxes apart, and no annotation arrow drawn across a label.
  for (const gd of document.querySelectorAll(".js-plotly-plot")) {
    if (!shown(gd) || !gd._fullLayout) continue;
    const labels = [];
    const frames = [];
    for (const group of gd.querySelectorAll("g.scatterlayer g.trace")) {
      const trace = group.__data__?.[0]?.trace;
      if (!trace || !String(trace.mode).includes("text") || !String(trace.mode).includes("markers")
          || trace.textposition !== "middle center") continue;
      const points = [...group.querySelectorAll("g.points path.point")];
      const texts = [...group.querySelectorAll("g.text g.textpoint text")];
      texts.forEach((text, index) => {
        const box = points[index]?.getBoundingClientRect();
        const rect = text.getBoundingClientRect();
        if (!box || !text.textContent.trim()) return;
        labels.push({ text, rect });
        frames.push({ text, box });
        if (rect.left < box.left - TOLERANCE || rect.right > box.right + TOLERANCE)
          add("label out of its box", text, text.textContent, `${Math.round(rect.width)} px label in a ${Math.round(box.width)} px box`);
      });
    }
    for (let i = 0; i < frames.length; i++) {
      for (let j = i + 1; j < frames.length; j++) {
        const [width, height] = overlap(frames[i].box, frames[j].box);
        if (width > TOLERANCE && height > TOLERANCE)
          add("boxes overlap", frames[i].text, `"${frames[i].text.textContent}" × "${frames[j].text.textContent}"`,
            `${Math.round(width)}×${Math.round(height)} px in common`);
      }
    }
    for (const arrow of gd.querySelectorAll("g.annotation-arrow-g path")) {
      const matrix = arrow.getScreenCTM();
      const length = arrow.getTotalLength?.() ?? 0;
      if (!matrix || length === 0) continue;
      const crossed = new Set();
      for (const at of drawnLengths(arrow, length)) {
        const { x, y } = arrow.getPointAtLength(at);
        const point = new DOMPoint(x, y).matrixTransform(matrix);
        for (const { text, rect } of labels) {
          if (point.x > rect.left + 2 && point.x < rect.right - 2 && point.y > rect.top + 3 && point.y < rect.bottom - 3) crossed.add(text);
        }
      }
      for (const text of crossed) add("arrow across a label", text, text.textContent);
    }
  }

  if (scenes) notes.push("3D scenes: their axis titles are drawn in WebGL; their words are checked, their boxes are not");

  // --- errors the page shows -------------------------------------------------------------------------------

  for (const box of document.querySelectorAll("[data-testid=stException]")) {
    add("exception box", box, box.textContent);
  }
  return { defects, notes };
}
