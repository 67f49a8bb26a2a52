// Broker Playground, embeddable: one script, then any number of elements.
//
//   <script type="module" src="https://example.org/pg/embed.js"></script>
//   <broker-playground scenario="rebalance-basics" height="420" controls="minimal"></broker-playground>
//
// or, without the custom element:
//
//   import { mount } from "https://example.org/pg/embed.js";
//   const handle = mount(document.querySelector("#here"), { scenario: "kip-848", lang: "ru" });
//   await handle.ready;   // rejects with the reason if it cannot start
//   handle.unmount();
//
// Everything else (the wasm, its JS glue, the CSS) is found next to this file, so the built dist/
// folder can be copied anywhere. Each instance lives in its own open shadow root: the host page's
// CSS stays out and ours stays in. An element starts only when it scrolls into view.

const BASE = new URL(".", import.meta.url);
// Where the wasm finds its data files (the Russian catalogue: ru.json), beside this script.
globalThis.__brokerPlaygroundBase ??= BASE.href;
const STYLESHEETS = ["base.css", "app.css", "embed.css"];
const DEFAULT_HEIGHT = "560px";
const TAG = "broker-playground";
/** The built-in lessons: each has a poster (posters/<id>.<controls>.<lang>.html, its first frame
 *  rendered at build time by the same components) and a scenario file (scenarios/<id>.json).
 *  scripts/postbuild.mjs fills the list in; `null` (a build without it) means "try any id". */
const LESSONS = /* lessons */ null;
const DEFAULT_SCENARIO = "playground";
/** Attributes that change what the instance runs (a change restarts it). */
const RUN_ATTRIBUTES = ["scenario", "controls", "lang"];

const TEXT = {
  en: {
    loading: "Loading the Kafka playground…",
    noWasm:
      "This interactive Kafka playground needs WebAssembly, which this browser does not support or has turned off.",
    failed: "The Kafka playground could not load. Reloading the page may help.",
    label: "Kafka playground",
  },
  ru: {
    loading: "Загружается песочница Kafka…",
    noWasm:
      "Этой интерактивной песочнице Kafka нужен WebAssembly, а этот браузер его не поддерживает или он отключён.",
    failed: "Песочницу Kafka не удалось загрузить. Попробуйте перезагрузить страницу.",
    label: "Песочница Kafka",
  },
};

/** Styles the placeholder and frame need before the stylesheets arrive (no blank box, no jump). */
const FRAME_CSS = `
:host { display: block; contain: content; }
:host([hidden]) { display: none; }
.bp-frame {
  all: initial; display: block; box-sizing: border-box; position: relative; width: 100%;
  overflow: auto; overscroll-behavior: contain; border: 1px solid #d0d7de; border-radius: 6px;
  background: #fff; color: #1b1f24; color-scheme: light dark;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
}
.bp-frame.auto { overflow: visible; }
.bp-root { min-height: 100%; }
.bp-root[data-poster] :is(button, select, input, textarea, summary) { cursor: progress; }
.bp-placeholder {
  box-sizing: border-box; display: flex; align-items: center; justify-content: center;
  margin: 0; padding: 16px; text-align: center; color: #57606a;
}
.bp-frame:not(.auto) .bp-placeholder { position: absolute; inset: 0; }
.bp-frame.auto .bp-placeholder { min-height: 420px; }
.bp-placeholder.bp-problem { color: #1b1f24; }
@media (prefers-color-scheme: dark) {
  .bp-frame { background: #0d1117; color: #e6edf3; border-color: #30363d; }
  .bp-placeholder { color: #9198a1; }
  .bp-placeholder.bp-problem { color: #e6edf3; }
}
`;

const wasmSupported = () =>
  typeof WebAssembly === "object" &&
  typeof WebAssembly.instantiate === "function" &&
  typeof WebAssembly.Module === "function";

/** The JS modules the glue imports (wasm-bindgen's snippets/…), relative to this file.
 *  scripts/postbuild.mjs fills the list in; `null` (a build without it) leaves them to the glue. */
const SNIPPETS = /* snippets */ null;

/** The wasm module's exports, loaded once for every instance on the page. The wasm, the glue
 *  and the glue's own imports are fetched at once rather than one after another (two round
 *  trips fewer), and the wasm is compiled while it downloads (issue 18: first working control). */
let wasmPromise = null;
function loadWasm() {
  // After a task: every instance that starts now asks for its poster first (on HTTP/1.1 the
  // browser opens six connections to a host, and a first frame should not queue behind the wasm).
  wasmPromise ??= new Promise((ok) => setTimeout(ok, 0)).then(async () => {
    const compiled = compileWasm(new URL("broker-playground_bg.wasm", BASE));
    compiled.catch(() => {}); // reported below, once the glue is here too
    const [glue] = await Promise.all([
      import(new URL("broker-playground.js", BASE).href),
      ...(SNIPPETS ?? []).map((s) => import(new URL(s, BASE).href)),
    ]);
    await glue.default({ module_or_path: await compiled });
    return glue;
  });
  return wasmPromise;
}

/** The compiled wasm module: compiled as it streams in where the server says `application/wasm`,
 *  from the whole download otherwise. */
async function compileWasm(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`failed to fetch Wasm: ${res.status} ${res.statusText} fetching '${res.url}'`);
  const type = res.headers.get("content-type") ?? "";
  if (typeof WebAssembly.compileStreaming === "function" && type.split(";")[0].trim() === "application/wasm")
    return WebAssembly.compileStreaming(res);
  return WebAssembly.compile(await res.arrayBuffer());
}

/** The language an embedded instance speaks, as the wasm decides it (src/ui/start.rs
 *  `choose_lang`): the `lang` option, then the page's `<html lang>`, then the browser's. */
function langOf(lang) {
  for (const v of [lang, document.documentElement.lang, navigator.language]) {
    const l = String(v ?? "").trim().toLowerCase().split(/[-_]/)[0];
    if (l === "en" || l === "ru") return l;
  }
  return "en";
}

/** The text at `url`, fetched once per page however many instances ask; `null` when it did not
 *  load (a poster or a scenario file is a nicety: the wasm still starts). */
const texts = new Map();
function textOnce(url, init) {
  if (!texts.has(url))
    texts.set(
      url,
      fetch(url, init)
        .then((res) => (res.ok ? res.text() : null))
        .catch(() => null),
    );
  return texts.get(url);
}

/** The poster (HTML text) of what these options run, or `null` when there is none. */
function loadPoster(options) {
  const id = String(options.scenario ?? "").trim() || DEFAULT_SCENARIO;
  const controls = String(options.controls ?? "").trim() || "full";
  if (!LESSONS || !LESSONS.includes(id)) return Promise.resolve(null); // only built-in ids reach innerHTML
  if (!["full", "minimal", "player"].includes(controls)) return Promise.resolve(null);
  const url = new URL(`posters/${id}.${controls}.${langOf(options.lang)}.html`, BASE).href;
  return textOnce(url, { priority: "high" }); // the first frame: ahead of the wasm
}

/** A built-in lesson's scenario file: `{ id, text }`, or `null` (the default lesson is inside
 *  the wasm; the wasm itself says what is wrong with an unknown id). */
function loadScenario(value) {
  const id = String(value ?? "").trim();
  if (!id || id === DEFAULT_SCENARIO || (LESSONS && !LESSONS.includes(id))) return Promise.resolve(null);
  const url = new URL(`scenarios/${encodeURIComponent(id)}.json`, BASE).href;
  return textOnce(url).then((text) => (text == null ? null : { id, text }));
}

/** The stylesheets, fetched once and shared by every shadow root (constructable stylesheets);
 *  `null` where the browser cannot adopt them (each root then gets <link> elements). */
let sheetsPromise = null;
function loadSheets() {
  const adoptable =
    typeof CSSStyleSheet === "function" &&
    "replaceSync" in CSSStyleSheet.prototype &&
    "adoptedStyleSheets" in ShadowRoot.prototype;
  if (!adoptable) return Promise.resolve(null);
  sheetsPromise ??= Promise.all(
    STYLESHEETS.map(async (name) => {
      const url = new URL(name, BASE);
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(await res.text());
      return sheet;
    }),
  );
  return sheetsPromise;
}

function linkSheets(root) {
  return Promise.all(
    STYLESHEETS.map(
      (name) =>
        new Promise((ok, fail) => {
          const link = document.createElement("link");
          link.rel = "stylesheet";
          link.href = new URL(name, BASE).href;
          link.onload = ok;
          link.onerror = () => fail(new Error(`${link.href} did not load`));
          root.prepend(link);
        }),
    ),
  );
}

/** "420" → "420px"; CSS lengths pass; anything else → the default. */
function cssHeight(value) {
  if (value == null || value === "") return DEFAULT_HEIGHT;
  const s = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return `${s}px`;
  if (s === "auto" || /^\d+(\.\d+)?(px|rem|em|vh|svh|dvh|%)$/.test(s)) return s;
  console.warn(`${TAG}: height ${JSON.stringify(s)} is not a length; using ${DEFAULT_HEIGHT}`);
  return DEFAULT_HEIGHT;
}

function textFor(lang) {
  const l = String(lang ?? document.documentElement.lang ?? "").toLowerCase().split(/[-_]/)[0];
  return TEXT[l] ?? TEXT.en;
}

/**
 * One playground in one shadow root: the frame, the placeholder, the running app.
 * `start()` loads what is needed and mounts; `stop()` unmounts and shows the placeholder again.
 */
class Instance {
  constructor(host, shadow) {
    this.host = host;
    this.shadow = shadow;
    this.handle = null;
    this.generation = 0;
    this.options = {};
    const style = document.createElement("style");
    style.textContent = FRAME_CSS;
    this.frame = document.createElement("div");
    this.frame.className = "bp-frame";
    this.frame.setAttribute("part", "frame");
    this.root = document.createElement("div");
    this.root.className = "bp-root";
    this.frame.append(this.root);
    shadow.append(style, this.frame);
    // In-page links (a consumer's partition → its lane) scroll inside this instance and leave
    // the host page's address alone.
    shadow.addEventListener("click", (e) => this.onClick(e));
    this.sheets = loadSheets().then((sheets) => {
      if (sheets) shadow.adoptedStyleSheets = [...new Set([...shadow.adoptedStyleSheets, ...sheets])];
      else return linkSheets(shadow);
    });
  }

  configure(options) {
    this.options = { ...options };
    const height = cssHeight(options.height);
    this.frame.style.height = height === "auto" ? "" : height;
    this.frame.classList.toggle("auto", height === "auto");
    this.frame.setAttribute("role", "region");
    this.frame.setAttribute("aria-label", textFor(options.lang).label);
  }

  placeholder(message, problem = false) {
    const p = document.createElement("p");
    p.className = problem ? "bp-placeholder bp-problem" : "bp-placeholder";
    p.setAttribute("role", problem ? "alert" : "status");
    p.textContent = message;
    this.root.replaceChildren(p);
    this.root.removeAttribute("data-poster");
  }

  get running() {
    return this.handle !== null;
  }

  /** Loads (once per page) and mounts. Resolves when running; rejects with the reason. */
  async start() {
    const generation = ++this.generation;
    const text = textFor(this.options.lang);
    if (!wasmSupported()) {
      this.placeholder(text.noWasm, true);
      throw new Error(`${TAG}: WebAssembly is not available in this browser`);
    }
    if (!this.root.firstChild) this.placeholder(text.loading);
    // The lesson's first frame, as soon as it and the styles are here (before the wasm).
    Promise.all([loadPoster(this.options), this.sheets])
      .then(([poster]) => {
        if (poster == null || generation !== this.generation || this.handle) return;
        this.root.innerHTML = poster; // our own build's HTML (src/bin/playground-poster.rs)
        this.root.setAttribute("data-poster", "");
      })
      .catch(() => {});
    // The lesson's scenario file, alongside the wasm (the wasm would otherwise fetch it first),
    // after the posters (see loadWasm).
    const scenario = new Promise((ok) => setTimeout(ok, 0)).then(() => loadScenario(this.options.scenario));
    let wasm, file;
    try {
      [wasm, , file] = await Promise.all([loadWasm(), this.sheets, scenario]);
    } catch (err) {
      if (generation === this.generation) this.placeholder(text.failed, true);
      throw err;
    }
    if (generation !== this.generation) return; // stopped (or restarted) meanwhile
    const { height: _height, ...options } = this.options;
    for (const [k, v] of Object.entries(options)) if (v == null || v === "") delete options[k];
    if (file) wasm.provide_scenario(file.id, file.text);
    try {
      this.handle = wasm.mount(this.root, options); // replaces the poster, laid out the same
      this.root.removeAttribute("data-poster");
    } catch (err) {
      // A bad attribute or option: say which, in the box and in the console.
      this.placeholder(err?.message ?? String(err), true);
      throw err;
    }
    this.host.dispatchEvent(new CustomEvent("broker-playground:ready", { bubbles: true, composed: true }));
  }

  stop() {
    this.generation++;
    if (this.handle) {
      const handle = this.handle;
      this.handle = null;
      handle.unmount();
      handle.free?.();
    }
    this.root.replaceChildren();
    this.root.removeAttribute("data-poster");
  }

  onClick(e) {
    const a = e.composedPath().find((n) => n instanceof HTMLAnchorElement);
    const href = a?.getAttribute("href");
    if (!href || !href.startsWith("#") || href.length < 2) return;
    e.preventDefault();
    const target = this.shadow.getElementById(decodeURIComponent(href.slice(1)));
    if (!target) return;
    const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    target.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
    target.classList.add("bp-flash");
    setTimeout(() => target.classList.remove("bp-flash"), 1500);
  }
}

/** Elements `mount()` holds a playground in, and the shadow roots it attached (reusable). */
const mounted = new WeakSet();
const ours = new WeakSet();

/**
 * Mounts a playground into `element` (inside an open shadow root it attaches) right away.
 * `options`: { scenario, controls: "full" | "minimal" | "player", lang: "en" | "ru", height }.
 * Returns { unmount(), ready: Promise } — `ready` rejects with the reason it cannot start
 * (no WebAssembly, a file that did not load, an unknown option or value).
 */
export function mount(element, options = {}) {
  if (!(element instanceof Element)) throw new TypeError(`${TAG}: mount(element, options) needs an element`);
  if (mounted.has(element)) throw new Error(`${TAG}: this element already holds a playground (unmount it first)`);
  if (element.shadowRoot && !ours.has(element.shadowRoot))
    throw new Error(`${TAG}: this element already has a shadow root of its own`);
  const shadow = element.shadowRoot ?? element.attachShadow({ mode: "open" });
  ours.add(shadow);
  mounted.add(element);
  const instance = new Instance(element, shadow);
  instance.configure(options ?? {});
  instance.placeholder(textFor(options?.lang).loading);
  const ready = instance.start();
  ready.catch((err) => console.error(err));
  return {
    ready,
    unmount() {
      if (!mounted.has(element)) return;
      instance.stop();
      shadow.replaceChildren();
      shadow.adoptedStyleSheets = [];
      mounted.delete(element);
    },
  };
}

/** How near the viewport (px, above or below) an instance counts as in view: it starts then. */
const NEAR_PX = 200;

/** `<broker-playground scenario height controls lang>`: starts when it comes into view. */
class BrokerPlaygroundElement extends HTMLElement {
  static observedAttributes = ["height", ...RUN_ATTRIBUTES];

  constructor() {
    super();
    this.instance = new Instance(this, this.attachShadow({ mode: "open" }));
    this.visible = false;
  }

  options() {
    const o = {};
    for (const name of ["height", ...RUN_ATTRIBUTES]) {
      const v = this.getAttribute(name);
      if (v !== null) o[name] = v;
    }
    return o;
  }

  connectedCallback() {
    this.instance.configure(this.options());
    if (!this.instance.running) this.instance.placeholder(textFor(this.options().lang).loading);
    if (!wasmSupported()) {
      this.instance.start().catch(() => {});
      return;
    }
    this.observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.observer?.disconnect();
        this.observer = null;
        this.instance.start().catch((err) => console.error(err));
      },
      { rootMargin: `${NEAR_PX}px 0px` },
    );
    this.observer.observe(this);
    // The observer first reports after the page's next rendering step, tens of ms after this
    // script ran: an instance already in view asks for its poster as soon as every element is
    // connected and sized (one layout for all of them), beside the stylesheets its constructor
    // asked for, so the first frame does not wait for that step (issue 18).
    queueMicrotask(() => {
      if (!this.isConnected || this.instance.running) return;
      const r = this.getBoundingClientRect();
      if (r.top < innerHeight + NEAR_PX && r.bottom > -NEAR_PX) loadPoster(this.instance.options);
    });
  }

  disconnectedCallback() {
    this.observer?.disconnect();
    this.observer = null;
    this.instance.stop();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.isConnected) return;
    this.instance.configure(this.options());
    if (RUN_ATTRIBUTES.includes(name) && this.instance.running) {
      this.instance.stop();
      this.instance.placeholder(textFor(this.options().lang).loading);
      this.instance.start().catch((err) => console.error(err));
    }
  }

  /** Whether the playground has started (it starts when scrolled into view). */
  get started() {
    return this.instance.running;
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, BrokerPlaygroundElement);
