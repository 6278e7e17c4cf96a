// Hover of the .clevr language: values of programs on the eval's scene (symbolic and soft), scenes,
// lexicons and their entries, concept words, and a sentence's derivations and CKY-E2 expected answer.
import { questionsSummary } from './questionEval';
import type { Analysis } from './analysis';
import { exprToString, type Expr, type Statement, walkExpr } from './ast';
import { isClosure, type Val } from './evaluate';
import { FUNCTIONS, signatureText } from './functions';
import { inside } from './lspSpans';
import { describeSoft, type SoftValue } from './soft';
import { describeSym, type SymValue } from './symbolic';
import { typeToString } from './types';
import { attributeOf, canonicalConcept, isAttribute, isRelation, RELATIONS } from './vocab';
import { catString } from '../g2l2/category';
import { normaliseWords } from '../g2l2/lexicon';

function valueText(v: Val<SymValue> | Val<SoftValue> | undefined, scene: Analysis['defaultScene'], soft: boolean): string | undefined {
  if (!v || !scene || isClosure(v as Val<unknown>)) return undefined;
  const value = (v as { value: unknown }).value;
  return soft ? describeSoft(value as SoftValue, scene) : describeSym(value as SymValue, scene);
}

/** The innermost expression of a statement's program that contains the offset. */
function exprAt(e: Expr | undefined, off: number): Expr | undefined {
  let found: Expr | undefined;
  walkExpr(e, (x) => { if (inside(x.span, off)) found = x; });
  return found;
}

export function statementAt(a: Analysis, off: number): Statement | undefined {
  return a.file.statements.find((s) => inside(s.span, off));
}

export function hover(a: Analysis, off: number): string[] | null {
  const s = statementAt(a, off);
  if (!s) return null;
  const ref = a.occurrences.find((o) => !o.decl && inside(o.span, off));
  if (ref) {
    if (ref.kind === 'scene') {
      const sc = a.scenes.get(ref.name)?.scene;
      if (sc) return [`**scene ${sc.name}**: ${sc.objects.length} objects`, ...sc.objects.map((x) => `- ${x.id}: ${x.size} ${x.color} ${x.material} ${x.shape}`)];
    }
    if (ref.kind === 'scenes') return [`**scenes ${ref.name}**: ${a.sceneSets.get(ref.name)?.scenes.length ?? 0} scenes`];
    if (ref.kind === 'lexicon') {
      const l = a.lexicons.get(ref.name)?.lexicon;
      if (l) return [`**lexicon ${l.name}**: ${l.entries.length} entries, ${l.bySurface.size} words`];
    }
    if (ref.kind === 'program') return programSummary(a, ref.name);
  }
  if (s.kind === 'program' && s.body) {
    const e = exprAt(s.body, off);
    if (!e) return inside(s.name.span, off) ? programSummary(a, s.name.name) : null;
    const p = a.programs.get(s.name.name);
    const t = p?.types.get(e);
    const lines: string[] = [];
    if (e.kind === 'call' && inside(e.fn.span, off)) {
      const sig = FUNCTIONS.get(e.fn.name);
      if (sig) lines.push('```', signatureText(sig), '```', sig.doc, '');
    }
    if (e.kind === 'name') lines.push(...wordInfo(e.name));
    lines.push(`\`${exprToString(e)}\`${t ? ` : **${typeToString(t)}**` : ''}`);
    const ps = a.programScene.get(s.name.name);
    if (ps) {
      const sym = valueText(ps.symTrace.get(e), ps.scene, false);
      const soft = valueText(ps.softTrace?.get(e), ps.scene, true);
      if (sym) lines.push('', `value on \`${ps.scene.name}\`: ${sym}`);
      else if (ps.error) lines.push('', `on \`${ps.scene.name}\`: ${ps.error}`);
      if (soft) lines.push('', `soft: ${soft}`);
    }
    return lines;
  }
  if (s.kind === 'eval') {
    const run = a.evals.find((r) => r.stmt === s);
    if (!run) return null;
    const lines = [`**eval ${s.target.name}** (${run.mode})`];
    for (const r of run.runs) lines.push(`- on \`${r.scene.name}\`: ${r.error ? `error: ${r.error}` : `**${r.answer ?? '?'}**${r.value ? ` — ${run.mode === 'soft' ? describeSoft(r.value as SoftValue, r.scene) : describeSym(r.value as SymValue, r.scene)}` : ''}`}`);
    if (run.questions) {
      lines.push(questionsSummary(run.questions));
    }
    return lines;
  }
  if (s.kind === 'sentence') {
    const run = a.sentences.find((r) => r.stmt === s);
    if (!run) return null;
    const r = run.result;
    if (inside(s.text.span, off)) {
      // A word inside the sentence: its entries.
      const rel = off - s.text.span.start - 1;
      const raw = s.text.value;
      const before = normaliseWords(raw.slice(0, Math.max(0, rel))).length;
      const wordIdx = /\s/.test(raw[rel] ?? ' ') || rel < 0 ? -1 : Math.max(0, before - (/\S$/.test(raw.slice(0, rel)) ? 1 : 0));
      const tok = r.tokens.find((t) => wordIdx >= t.start && wordIdx < t.end);
      const lines: string[] = [];
      if (tok) lines.push(...entryLines(run.lexicon.bySurface.get(tok.text) ?? [], tok.text), '');
      lines.push(...sentenceSummary(run));
      return lines;
    }
    return sentenceSummary(run);
  }
  if (s.kind === 'lexicon') {
    const entry = s.entries.find((e) => inside(e.span, off));
    if (!entry) return [`**lexicon ${s.name.name}**: ${s.entries.length} entries`];
    const lex = a.lexicons.get(s.name.name)?.lexicon;
    const surface = normaliseWords(entry.words.value).join(' ');
    if (entry.program) {
      const e = exprAt(entry.program, off);
      if (e && e.kind === 'name' && !inside(entry.words.span, off)) return wordInfo(e.name);
      if (e && e.kind === 'call' && inside(e.fn.span, off)) { const sig = FUNCTIONS.get(e.fn.name); if (sig) return ['```', signatureText(sig), '```', sig.doc]; }
    }
    return entryLines(lex?.bySurface.get(surface) ?? [], surface);
  }
  if (s.kind === 'scene') {
    const o = s.objects.find((x) => inside(x.span, off));
    const scene = a.scenes.get(s.name.name)?.scene;
    if (o && scene) {
      const k = scene.objects.findIndex((x) => x.id === o.name.name);
      const obj = scene.objects[k];
      if (!obj) return null;
      const rel = RELATIONS.map((r) => `${r} of it: ${scene.relations[r][k].map((j) => scene.objects[j].id).join(', ') || '—'}`);
      return [`**${obj.id}**: ${obj.size} ${obj.color} ${obj.material} ${obj.shape}${obj.position ? ` at (${obj.position.join(', ')})` : ''}`, '', ...rel.map((x) => `- ${x}`)];
    }
    return scene ? [`**scene ${scene.name}**: ${scene.objects.length} objects`, ...scene.objects.map((x) => `- ${x.id}: ${x.size} ${x.color} ${x.material} ${x.shape}`)] : null;
  }
  if (s.kind === 'scenes') {
    const set = a.sceneSets.get(s.name.name);
    return set ? [`**scenes ${s.name.name}**: ${set.scenes.length} scenes from \`${s.path.value}\``] : null;
  }
  if (s.kind === 'questions') {
    const set = a.questionSets.get(s.name.name);
    return set ? [`**questions ${s.name.name}**: ${set.questions.length} questions from \`${s.path.value}\``] : null;
  }
  return null;
}

function programSummary(a: Analysis, name: string): string[] {
  const p = a.programs.get(name);
  if (!p) return [];
  const ps = a.programScene.get(name);
  const lines = [`**program ${name}** : ${p.type ? typeToString(p.type) : '?'}`];
  if (ps && p.decl.body) {
    const v = valueText(ps.symTrace.get(p.decl.body), ps.scene, false);
    lines.push(v ? `value on \`${ps.scene.name}\`: ${v}` : `on \`${ps.scene.name}\`: ${ps.error ?? '—'}`);
  }
  return lines;
}

function wordInfo(word: string): string[] {
  const c = canonicalConcept(word);
  if (c) return [`concept **${c}** (${attributeOf(c)})${c !== word ? ` — '${word}' is a synonym` : ''}`];
  if (isAttribute(word)) return [`attribute **${word}**`];
  if (isRelation(word)) return [`relation **${word}**: the objects that are ${word} of the object (0.2 margin)`];
  return [];
}

function entryLines(entries: import('../g2l2/lexicon').LexEntry[], surface: string): string[] {
  if (!entries.length) return [`no lexicon entry for '${surface}'`];
  return [`**"${surface}"** — ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}:`,
    ...entries.map((e) => `- \`${catString(e.category)}\` := \`${e.program ? exprToString(e.program) : '(empty word)'}\` weight ${e.weight} (p = ${Math.exp(e.logProb).toFixed(3)})`)];
}

function sentenceSummary(run: Analysis['sentences'][number]): string[] {
  const r = run.result;
  const lines = [`**"${run.stmt.text.value}"** on \`${run.scene.name}\` using \`${run.lexicon.name}\``, `tokens: ${r.tokens.map((t) => `[${t.text}]`).join(' ')}`];
  const best = r.derivations[0];
  if (!best) {
    lines.push('', ...r.diagnostics);
    return lines;
  }
  lines.push('', `best derivation (log-weight ${best.logWeight.toFixed(4)}, ${r.derivations.length} full parse${r.derivations.length === 1 ? '' : 's'}):`, '```', best.tree, '```',
    `program: \`${best.program}\``, `answer: **${best.answer ?? `INVALID (${best.error})`}**`);
  const ex = r.expected.value;
  if (ex !== null) {
    const txt = typeof ex === 'number' ? ex.toFixed(4) : Object.entries(ex).filter(([, p]) => p > 1e-4).sort((x, y) => y[1] - x[1]).map(([k, p]) => `${k}: ${p.toFixed(4)}`).join(', ');
    lines.push(`CKY-E2 expected answer: **${txt}**`);
  }
  lines.push(`chart: ${r.stats.cells} cells, ${r.stats.nodesWithoutMerging} nodes without merging, ${r.stats.nodesWithMerging} with merging`);
  if (r.derivations.length > 1) {
    lines.push('', 'other derivations:');
    for (const d of r.derivations.slice(1, 6)) lines.push(`- \`${d.program}\` → ${d.answer ?? 'INVALID'} (log-weight ${d.logWeight.toFixed(4)})`);
  }
  return lines;
}

