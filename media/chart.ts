// The G2L2 chart webview: the triangular CKY-E2 chart of one sentence (cells by span, nodes with
// category, weight, program and value), the full parses with their answers, and a node's derivation
// tree on click. State (chart + selection) survives reloads through setState.
import type { ChartData, ChartNodeData } from '../protocol/chart';
import type { ChartPanelInfo, FromChartWebview, ToChartWebview } from '../protocol/webviewMessages';

interface VsCodeApi { postMessage(m: FromChartWebview): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

let chart: ChartData | undefined;
let selected: number | undefined;
let byId = new Map<number, ChartNodeData>();

const el = (tag: string, cls?: string, text?: string) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

function fmtLogWeight(lw: number): string {
  // -0.0001 would print as "-0.000": a certain node has log w 0.000.
  return `log w ${(Math.abs(lw) < 5e-4 ? 0 : lw).toFixed(3)} (p ${Math.exp(lw).toPrecision(3)})`;
}

/** The representative derivation below a node, as an indented tree. */
function treeText(id: number, depth = 0, seen = new Set<number>()): string {
  const n = byId.get(id);
  if (!n || seen.has(id)) return '';
  seen.add(id);
  const head = `${'  '.repeat(depth)}${n.category}  ${n.rule}${n.word ? ` "${n.word}"` : ''}  ${n.program}`;
  return [head, ...n.children.map((c) => treeText(c, depth + 1, seen)).filter(Boolean)].join('\n');
}

function render(): void {
  const header = document.getElementById('header')!;
  const grid = document.getElementById('chart')!;
  const details = document.getElementById('details')!;
  const parses = document.getElementById('parses')!;
  grid.replaceChildren(); details.replaceChildren(); parses.replaceChildren();
  if (!chart) { header.textContent = 'No chart yet: use the "Show chart" code lens on a `sentence`.'; return; }
  byId = new Map(chart.cells.flatMap((c) => c.nodes.map((n) => [n.id, n] as [number, ChartNodeData])));
  const expected = chart.expected === null ? '—' : typeof chart.expected === 'number' ? chart.expected.toFixed(4)
    : Object.entries(chart.expected).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
  header.replaceChildren(
    el('div', 'sentence', `“${chart.sentence}” on ${chart.scene} using ${chart.lexicon}`),
    el('div', 'summary', `best answer: ${chart.best ?? '—'} · CKY-E2 expected: ${expected} · nodes ${chart.stats.nodesWithMerging} with merging, ${chart.stats.nodesWithoutMerging} without`),
    ...chart.diagnostics.map((d) => el('div', 'diagnostic', d)),
  );
  // The triangle (a pyramid): one row per span length, longest on top, the tokens at the bottom. On a
  // grid of 2n half-columns every cell is one token wide and centred over its span: cell (start, len)
  // takes half-columns 2·start + len … +1, so the cells of a row never overlap.
  const n = chart.tokens.length;
  grid.style.gridTemplateColumns = `repeat(${2 * n}, minmax(48px, 1fr))`;
  for (let len = n; len >= 1; len--) {
    for (let start = 0; start + len <= n; start++) {
      const cell = chart.cells.find((c) => c.start === start && c.end === start + len);
      const box = el('div', `cell${cell?.nodes.length ? '' : ' empty'}`);
      box.style.gridColumn = `${2 * start + len} / span 2`;
      box.style.gridRow = `${n - len + 1}`;
      box.title = `span [${start}, ${start + len}): ${chart.tokens.slice(start, start + len).join(' ')}`;
      for (const node of cell?.nodes ?? []) {
        const b = el('button', `node${node.id === selected ? ' selected' : ''}${chart.roots.includes(node.id) ? ' root' : ''}`);
        b.dataset.id = String(node.id);
        b.append(el('span', 'cat', node.category), el('span', 'weight', ` ${Math.exp(node.logWeight).toPrecision(2)}`),
          ...(node.merged > 1 ? [el('span', 'merged', ` ×${node.merged}`)] : []));
        b.title = `${node.program}\n${node.type}\n${fmtLogWeight(node.logWeight)}${node.value ? `\nvalue: ${node.value}` : ''}`;
        b.addEventListener('click', () => { selected = node.id; save(); render(); });
        box.append(b);
      }
      grid.append(box);
    }
  }
  for (let i = 0; i < n; i++) {
    const t = el('div', 'token', chart.tokens[i]);
    t.style.gridColumn = `${2 * i + 1} / span 2`;
    t.style.gridRow = `${n + 1}`;
    grid.append(t);
  }
  const node = selected !== undefined ? byId.get(selected) : undefined;
  if (node) {
    details.append(el('h3', undefined, `${node.category} : ${node.type}`),
      el('div', undefined, `rule ${node.rule} · ${fmtLogWeight(node.logWeight)}${node.merged > 1 ? ` · ${node.merged} derivations merged` : ''}`),
      el('pre', 'program', node.program),
      ...(node.value ? [el('div', 'value', `value on ${chart.scene}: ${node.value}`)] : []),
      el('pre', 'tree', treeText(node.id)));
    if (node.entryLine !== undefined) {
      const go = el('button', 'goto', 'Go to lexicon entry');
      go.addEventListener('click', () => vscode.postMessage({ type: 'reveal', uri: chart!.uri, line: node.entryLine! }));
      details.append(go);
    }
  } else details.append(el('div', 'hint', 'Click a node to see its derivation tree, program and value.'));
  parses.append(el('h3', undefined, `Full parses (${chart.derivations.length}), best first`));
  for (const d of chart.derivations) {
    const item = el('details');
    item.append(el('summary', undefined, `${d.answer ?? 'INVALID'} — ${d.program}  (${fmtLogWeight(d.logWeight)})`), el('pre', 'tree', d.tree));
    parses.append(item);
  }
}

function save(): void { vscode.setState({ chart, selected }); }

function info(): ChartPanelInfo {
  return {
    sentence: chart?.sentence, tokens: chart?.tokens.length ?? 0,
    cells: document.querySelectorAll('#chart .cell:not(.empty)').length,
    nodes: document.querySelectorAll('#chart .node').length,
    selectedNode: selected,
    tree: document.querySelector('#details pre.tree')?.textContent ?? undefined,
  };
}

window.addEventListener('message', (ev: MessageEvent<ToChartWebview>) => {
  const m = ev.data;
  if (m.type === 'chart') {
    if (!chart || chart.uri !== m.chart.uri || chart.line !== m.chart.line) selected = m.chart.roots[0];
    chart = m.chart; save(); render();
  } else if (m.type === 'query') vscode.postMessage({ type: 'query-result', requestId: m.requestId, info: info() });
});

const saved = vscode.getState() as { chart?: ChartData; selected?: number } | undefined;
if (saved?.chart) { chart = saved.chart; selected = saved.selected; }
render();
vscode.postMessage({ type: 'ready', uri: chart?.uri, line: chart?.line });
