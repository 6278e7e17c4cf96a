// Hover of .tlab documents: solver ids and parameters, result outputs, symbols, built-ins and keywords,
// derivation built-ins, shapes, domains and operators, the shapes of a check's sides (serviceDerive.ts),
// expectation outcomes and the computed (or statically folded) value of the expression under the cursor.
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import { getSolver } from '../solvers/index';
import type { Span } from './ast';
import { builtinByName, constantByName } from './builtins';
import { spanKey, staticKey } from './checker';
import { tokenAt } from './context';
import { keywordDocs, outputMarkdown, paramMarkdown, solverMarkdown } from './docs';
import * as T from './lexer';
import { tokEnd } from './parser';
import { typeText } from './types';
import { expectHint } from './serviceResults';
import { checkHover, derivationTokenHover } from './serviceDerive';
import { allExprs, blockAt, contains, gridCoords, range, refAt, resultAt, state, symAt, valueMarkdown } from './serviceCommon';

export function hover(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Hover | null {
  const s = state(doc, ctx);
  const a = s.analysis;
  const off = doc.offsetAt(pos);
  const parts: string[] = [];
  let hrange: Span | undefined;
  const block = blockAt(a, off);
  const run = resultAt(s, off);
  const staleNote = run?.stale ? '\n\n*(stale: the text changed since this was computed)*' : '';

  // Solver ids and parameter names in solve statements.
  if (block?.kind === 'experiment') {
    for (const st of block.body) {
      if (st.kind !== 'solve' || !contains(st.span, off)) continue;
      const def = getSolver(st.solver.name);
      if (def && contains(st.solver.span, off)) { parts.push(solverMarkdown(def)); hrange = st.solver.span; }
      for (const arg of st.args) {
        if (def && arg.name && arg.nameSpan && contains(arg.nameSpan, off)) {
          const p = def.params.find((x) => x.name === arg.name);
          if (p) { parts.push(paramMarkdown(def, p)); hrange = arg.nameSpan; }
        }
      }
      if (contains(st.name.span, off) && run && !run.stale) {
        const v = run.res.values.get(spanKey({ start: st.name.span.start - run.shift, end: st.name.span.end - run.shift }));
        if (v !== undefined) { parts.push(`**${st.name.name}** = \n\n${valueMarkdown(v, gridCoords(run.res, a))}`); hrange = st.name.span; }
      }
    }
    // expectation outcome
    if (run) {
      for (const e of run.res.expects) {
        const sp = { start: e.span.start + run.shift, end: e.span.end + run.shift };
        if (!contains(sp, off) || parts.length) continue;
        // A failure's message is already the diagnostic VS Code shows above the hover: show the values only.
        if (e.passed) parts.push(`✓ ${e.message}${staleNote}`);
        else parts.push(`${e.error ? 'expectation not evaluated (see the problem)' : `expectation failed: ${expectHint(e)}`}${staleNote}`);
      }
    }
  }
  // Members of results: output docs.
  if (!parts.length) {
    for (const e of allExprs(a)) {
      if (e.kind !== 'member' || !contains(e.nameSpan, off)) continue;
      const objSym = e.object.kind === 'name' ? refAt(a, e.object.span.start)?.sym : undefined;
      const def = objSym?.solver;
      const out = def?.outputs.find((o) => o.name === e.name);
      if (def && out) { parts.push(outputMarkdown(def, out)); hrange = e.nameSpan; }
    }
  }
  // Names: symbols, built-ins, keywords.
  if (!parts.length) {
    const sym = symAt(a, off);
    if (sym) {
      const kindText = { let: 'let', function: 'function', param: 'parameter', sweep: 'swept', result: 'result', given: 'given', experiment: 'experiment', derivation: 'derivation' }[sym.kind];
      let head = `**${sym.name}** — ${kindText}`;
      if (sym.kind === 'function') head = `**${sym.name}(${(sym.params ?? []).join(', ')})** — function`;
      else if (sym.kind === 'result' && sym.solver) head += ` of \`${sym.solver.id}\` (${sym.solver.title})`;
      else if (sym.kind === 'given' && sym.doc) head += `: ${sym.doc}`;
      else if (sym.type.k !== 'any') head += `: ${typeText(sym.type)}`;
      parts.push(head);
      if (sym.value !== undefined && sym.kind !== 'function') parts.push(`= ${valueMarkdown(sym.value)}`);
      const r = refAt(a, off);
      hrange = r?.span ?? sym.span;
    } else {
      const tok = tokenAt(a.parse.tokens, off);
      const deriv = tok && block?.kind === 'derivation' ? derivationTokenHover(a, tok, a.parse.tokens[a.parse.tokens.indexOf(tok) - 1]) : undefined;
      if (tok && deriv) { parts.push(deriv); hrange = { start: tok.startOffset, end: tokEnd(tok) }; }
      else if (tok) {
        const b = builtinByName.get(tok.image);
        const c = constantByName.get(tok.image);
        if (tok.tokenType === T.Identifier && b) parts.push(`**${b.signature}** — built-in\n\n${b.doc}`);
        else if (tok.tokenType === T.Identifier && c) parts.push(`**${c.name}** — ${c.doc}`);
        else if (keywordDocs[tok.image] && T.keywordTokens.includes(tok.tokenType)) parts.push(keywordDocs[tok.image]);
        if (parts.length) hrange = { start: tok.startOffset, end: tokEnd(tok) };
      }
    }
  }
  // Inside a check: the static shapes of both sides (and after a run, their values at the worst point).
  if (block?.kind === 'derivation') {
    const ch = checkHover(a, block, off, doc.getText(), run);
    if (ch) { parts.push(ch.value); hrange ??= ch.span; }
  }
  // The computed value of the smallest expression under the cursor.
  if (run) {
    if (run.res.kind === 'derivation') {
      const v = run.res.derivationValueAt?.(off - run.shift);
      if (v) { parts.push(`value ${v.where ?? 'at the first point'}:\n\n\`\`\`\n${v.text}\n\`\`\`${staleNote}`); hrange ??= { start: v.span.start + run.shift, end: v.span.end + run.shift }; }
    } else {
      let best: Span | undefined;
      for (const e of allExprs(a)) {
        if (!contains(e.span, off)) continue;
        const k = spanKey({ start: e.span.start - run.shift, end: e.span.end - run.shift });
        if (run.res.values.has(k) && (!best || e.span.end - e.span.start < best.end - best.start)) best = e.span;
      }
      if (best) {
        const v = run.res.values.get(spanKey({ start: best.start - run.shift, end: best.end - run.shift }))!;
        parts.push(`\`${doc.getText().slice(best.start, best.end)}\` = ${valueMarkdown(v, gridCoords(run.res, a))}${staleNote}`);
        hrange ??= best;
      }
    }
  } else if (!parts.length) {
    // constants known without running
    let best: Span | undefined;
    for (const e of allExprs(a)) if (contains(e.span, off) && a.staticValues.has(staticKey(e.span)) && (!best || e.span.end - e.span.start < best.end - best.start)) best = e.span;
    if (best) { parts.push(`\`${doc.getText().slice(best.start, best.end)}\` = ${valueMarkdown(a.staticValues.get(staticKey(best))!)}`); hrange = best; }
  }
  if (!parts.length) return null;
  return { contents: { kind: lsp.MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: hrange ? range(doc, hrange) : undefined };
}
