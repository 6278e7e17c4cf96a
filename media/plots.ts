// The plots webview: renders Vega-Lite specs from the language server with the bundled Vega (no
// network; expressions evaluated by vega-interpreter so the CSP needs no 'unsafe-eval'), keeps a
// history of plots (pin, rename, delete), and exports figures (SVG, PNG, publication SVG, SVG to the
// clipboard) and data (RFC 4180 CSV, JSON) through the extension. State lives in the webview's
// setState and is mirrored to the extension. Tooltips are hidden whenever the figure changes or the
// pointer leaves it, so one plot's tooltip never stays over the next.
import embed, { Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import type { PlotPayload } from '../protocol';
import type { FromPlotsWebview, PlotEntry, PlotExportFormat, PlotExportStyle, PlotsPanelInfo, ToPlotsWebview } from '../protocol/webviewMessages';
import { rowsToCsv } from '../protocol/csv';
import { publicationSpec, svgInInches } from '../protocol/publication';

interface VsCodeApi { postMessage(m: FromPlotsWebview): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

const MAX_ENTRIES = 60;
let entries: PlotEntry[] = [];
let selected: string | undefined;
let view: Result | undefined;
let renderError: string | undefined;

const list = document.getElementById('history') as HTMLUListElement;
const figure = document.getElementById('figure') as HTMLDivElement;
const caption = document.getElementById('caption') as HTMLDivElement;

function keyOf(p: PlotPayload): string { return `${p.uri}#${p.experiment}#${p.title}`; }

function persist(): void {
  vscode.setState({ entries, selected });
  vscode.postMessage({ type: 'state', entries, selected });
}

/** New plots replace the unpinned entry of the same experiment and title; pinned ones stay as history. */
function addPlots(plots: PlotPayload[], reveal: boolean): void {
  const before = selected;
  let changed = false;
  // A block with several plots ("Plot" lens): the first one is shown, the others wait in the history.
  let firstShown: string | undefined;
  for (const p of plots) {
    const key = keyOf(p);
    const old = entries.findIndex((e) => !e.pinned && keyOf(e) === key);
    // The same result again (the extension re-sends plots after edits to mark them stale): nothing new.
    if (old >= 0 && entries[old].createdAt === p.createdAt && !!entries[old].stale === !!p.stale) {
      if (reveal) firstShown ??= entries[old].id;
      continue;
    }
    changed = true;
    const entry: PlotEntry = {
      ...p, id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      name: old >= 0 ? entries[old].name : `${p.experiment}: ${p.title}`, pinned: false,
    };
    if (old >= 0) {
      if (selected === entries[old].id) selected = entry.id;
      entries[old] = entry;
    } else entries.unshift(entry);
    if (reveal) firstShown ??= entry.id;
  }
  if (firstShown) selected = firstShown;
  while (entries.length > MAX_ENTRIES) {
    const i = entries.map((e) => e.pinned).lastIndexOf(false);
    entries.splice(i >= 0 ? i : entries.length - 1, 1);
  }
  if (!selected && entries.length) selected = entries[0].id;
  if (!changed && selected === before) return;
  persist();
  void render();
}

function button(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', (ev) => { ev.stopPropagation(); onClick(); });
  return b;
}

function renderHistory(): void {
  list.replaceChildren();
  for (const e of entries) {
    const li = document.createElement('li');
    li.className = (e.id === selected ? 'selected ' : '') + (e.stale ? 'stale' : '');
    li.dataset.id = e.id;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = (e.pinned ? '📌 ' : '') + e.name + (e.stale ? ' (stale)' : '');
    name.title = `${e.uri}\n${new Date(e.createdAt).toLocaleString()}`;
    li.append(name,
      button(e.pinned ? 'unpin' : 'pin', 'keep this plot when the experiment re-runs', () => setPinned(e, !e.pinned)),
      button('rename', 'rename this plot', () => startRename(li, e)),
      button('×', 'delete this plot', () => remove(e)));
    li.addEventListener('click', () => select(e));
    list.append(li);
  }
}

function setPinned(e: PlotEntry, pinned: boolean): void { e.pinned = pinned; persist(); renderHistory(); }

function rename(e: PlotEntry, name: string): void { if (name.trim()) e.name = name.trim(); persist(); renderHistory(); }

function remove(e: PlotEntry): void {
  entries = entries.filter((x) => x.id !== e.id);
  if (selected === e.id) selected = entries[0]?.id;
  persist(); void render();
}

function select(e: PlotEntry): void { selected = e.id; persist(); void render(); }

function startRename(li: HTMLLIElement, e: PlotEntry): void {
  const input = document.createElement('input');
  input.value = e.name;
  input.setAttribute('aria-label', 'plot name');
  // Enter and Escape re-render the list, which blurs the input: only the first of these counts.
  let finished = false;
  const done = (save: boolean) => { if (finished) return; finished = true; rename(e, save ? input.value : ''); };
  input.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') done(true); if (ev.key === 'Escape') done(false); });
  input.addEventListener('blur', () => done(true));
  li.replaceChildren(input);
  input.focus();
  input.select();
}

let renderGen = 0;

/** Hides every tooltip element vega-tooltip made (they live on <body>, outside the figure). */
function hideTooltips(): void {
  document.querySelectorAll('.vg-tooltip').forEach((el) => el.classList.remove('visible'));
}

async function render(): Promise<void> {
  const gen = ++renderGen;
  renderHistory();
  hideTooltips();
  view?.finalize();
  view = undefined;
  renderError = undefined;
  figure.replaceChildren();
  const e = entries.find((x) => x.id === selected);
  if (!e) { caption.textContent = 'No plot yet: run an experiment with a `plot` block (code lens "Run", then "Plot").'; return; }
  caption.textContent = `${e.name} — ${e.uri.split('/').pop()} · ${new Date(e.createdAt).toLocaleTimeString()}${e.stale ? ' · STALE: the inputs changed since this was computed' : ''}`;
  figure.classList.toggle('stale', !!e.stale);
  try {
    // In the panel the figure takes the panel's width and the editor theme's colours; exports use the
    // spec as the server wrote it (fixed size, light defaults), see exportAs.
    const server = e.spec as Record<string, unknown>;
    // Picture plots (hconcat of heatmaps) keep their cell sizes; curves fill the panel's width.
    const fit = 'hconcat' in server ? {} : { width: 'container', autosize: { type: 'fit-x', contains: 'padding' } };
    const spec = { ...server, ...fit, config: themed((server.config ?? {}) as Record<string, Record<string, unknown>>) };
    // A fresh host per render: a render that a newer one overtook finalizes its own view only.
    const host = document.createElement('div');
    figure.replaceChildren(host);
    const r = await embed(host, spec as never, embedOptions({}) as never);
    if (gen !== renderGen) { r.finalize(); return; }
    view = r;
  } catch (err) {
    if (gen !== renderGen) return;
    renderError = String((err as Error)?.message ?? err);
    figure.textContent = `Could not render this plot: ${renderError}`;
    vscode.postMessage({ type: 'error', message: renderError });
  }
}

function embedOptions(config: Record<string, unknown>): Record<string, unknown> {
  return {
    renderer: 'svg', actions: false, defaultStyle: false, ast: true, expr: expressionInterpreter,
    tooltip: { disableDefaultStyle: true }, config,
  };
}

/** The spec's config in the colours of the current VS Code theme (its CSS variables). */
function themed(config: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const fg = v('--vscode-foreground', '#333');
  const grid = v('--vscode-editorWidget-border', v('--vscode-panel-border', '#8884'));
  return {
    ...config,
    background: 'transparent',
    axis: { ...config.axis, labelColor: fg, titleColor: fg, domainColor: fg, tickColor: fg, gridColor: grid },
    legend: { ...config.legend, labelColor: fg, titleColor: fg },
    title: { ...config.title, color: fg },
    view: { ...config.view, stroke: fg },
  };
}

/** The figure for export: rendered off-screen from the server's spec on white, whatever the theme. */
async function exportFigure(e: PlotEntry, format: 'svg' | 'png', style?: PlotExportStyle): Promise<string> {
  const host = document.createElement('div');
  const publication = style?.preset === 'publication';
  const spec = publication ? publicationSpec(e.spec as Record<string, unknown>, style?.widthIn, style?.heightIn) : e.spec;
  const r = await embed(host, spec as never, embedOptions({ background: 'white' }) as never);
  try {
    if (format === 'png') return await r.view.toImageURL('png', publication ? 300 / 96 : 2);
    const svg = await r.view.toSVG();
    return publication ? svgInInches(svg, e.title) : svg;
  } finally {
    r.finalize();
  }
}

function info(): PlotsPanelInfo {
  const svg = figure.querySelector('svg');
  return {
    entries: entries.map((e) => ({ id: e.id, name: e.name, pinned: e.pinned, stale: !!e.stale, title: e.title, uri: e.uri })),
    selected,
    svgElementCount: svg ? svg.querySelectorAll('*').length : 0,
    markCount: svg ? svg.querySelectorAll('g.mark-symbol path, g.mark-line path, g.mark-rule line, g.mark-rect path, g.mark-point path').length : 0,
    error: renderError,
  };
}

async function exportAs(format: PlotExportFormat, target: 'file' | 'clipboard' = 'file', style?: PlotExportStyle): Promise<void> {
  const e = entries.find((x) => x.id === selected);
  if (!e) { vscode.postMessage({ type: 'error', message: 'no plot selected' }); return; }
  if (target === 'clipboard' && format === 'png') { vscode.postMessage({ type: 'error', message: 'a PNG cannot go to the clipboard as text; copy the SVG, or export the PNG' }); return; }
  let data: string;
  if (format === 'csv') data = rowsToCsv(e.rows);
  else if (format === 'json') data = JSON.stringify({ title: e.title, experiment: e.experiment, uri: e.uri, createdAt: e.createdAt, rows: e.rows }, null, 2);
  else {
    try {
      data = await exportFigure(e, format, style);
    } catch (err) {
      vscode.postMessage({ type: 'error', message: `could not export the figure: ${(err as Error)?.message ?? err}` });
      return;
    }
  }
  vscode.postMessage({ type: 'exported', format, name: e.name, data, target, preset: style?.preset ?? 'screen' });
}

window.addEventListener('message', (ev: MessageEvent<ToPlotsWebview>) => {
  const m = ev.data;
  if (m.type === 'plots') addPlots(m.plots, m.reveal);
  else if (m.type === 'restore') {
    // The extension's copy wins only when the webview has none (e.g. a panel opened after a reload).
    if (!entries.length) { entries = m.entries; selected = entries.some((e) => e.id === m.selected) ? m.selected : entries[0]?.id; persist(); void render(); }
  } else if (m.type === 'query') vscode.postMessage({ type: 'query-result', requestId: m.requestId, info: info() });
  else if (m.type === 'export') void exportAs(m.format, m.target, m.style);
  else if (m.type === 'history') {
    const e = entries.find((x) => x.id === m.id);
    if (!e) vscode.postMessage({ type: 'error', message: `no plot ${m.id} in the history` });
    else if (m.action === 'pin' || m.action === 'unpin') setPinned(e, m.action === 'pin');
    else if (m.action === 'rename') rename(e, m.name ?? '');
    else if (m.action === 'delete') remove(e);
    else select(e);
  }
});

for (const f of ['svg', 'png', 'csv', 'json'] as const) {
  document.getElementById(`export-${f}`)?.addEventListener('click', () => void exportAs(f));
}
document.getElementById('export-publication')?.addEventListener('click', () => void exportAs('svg', 'file', { preset: 'publication' }));
document.getElementById('copy-svg')?.addEventListener('click', () => void exportAs('svg', 'clipboard'));
// A tooltip belongs to the figure under the pointer: gone when the pointer, the focus or the panel is.
figure.addEventListener('mouseleave', hideTooltips);
window.addEventListener('blur', hideTooltips);
document.addEventListener('visibilitychange', hideTooltips);

const saved = vscode.getState() as { entries?: PlotEntry[]; selected?: string } | undefined;
if (saved?.entries) { entries = saved.entries; selected = saved.selected; }
void render();
vscode.postMessage({ type: 'ready' });
