// Type checker for program terms: function signatures over the 6 types, attribute names, concept,
// attribute and relation constants (with "did you mean"), lambda terms checked against an expected
// function type (lexicon entries, where the type comes from the CCG category).
import type { Expr, Span } from './ast';
import { FUNCTIONS, FunctionSig, ParamType, TEMPLATE_ONLY } from './functions';
import { attributeOf, canonicalConcept, conceptWords, isAttribute, isRelation, ATTRIBUTES, RELATIONS, suggest } from './vocab';
import { base, fits, SemType, typeToString } from './types';

export interface TypeIssue { message: string; span: Span; severity: 'error' | 'warning' }

export type TypeEnv = Map<string, SemType>;

export interface CheckResult {
  type?: SemType;
  issues: TypeIssue[];
  /** Inferred type of every sub-term (hover). */
  types: Map<Expr, SemType>;
}

export function checkProgram(e: Expr, expected?: SemType, env: TypeEnv = new Map()): CheckResult {
  const issues: TypeIssue[] = [];
  const types = new Map<Expr, SemType>();
  const type = infer(e, expected, env, issues, types);
  if (type && expected && !fits(type, expected)) {
    issues.push({ message: `expected ${typeToString(expected)}, found ${typeToString(type)}`, span: e.span, severity: 'error' });
  }
  return { type, issues, types };
}

function paramType(p: ParamType): SemType { return base(p.type, p.attr); }

function infer(e: Expr, expected: SemType | undefined, env: TypeEnv, issues: TypeIssue[], types: Map<Expr, SemType>): SemType | undefined {
  const t = inferInner(e, expected, env, issues, types);
  if (t) types.set(e, t);
  return t;
}

function nameType(name: string, span: Span, env: TypeEnv, issues: TypeIssue[]): SemType | undefined {
  const v = env.get(name);
  if (v) return v;
  const c = canonicalConcept(name);
  if (c) return base('Concept', attributeOf(c));
  if (isAttribute(name)) return base('Attribute');
  if (isRelation(name)) return base('Relation');
  if (!name) return undefined;
  const s = suggest(name, [...conceptWords(), ...ATTRIBUTES, ...RELATIONS, ...env.keys()]);
  issues.push({ message: `unknown concept '${name}'${s ? ` — did you mean '${s}'?` : ''}`, span, severity: 'error' });
  return undefined;
}

function inferInner(e: Expr, expected: SemType | undefined, env: TypeEnv, issues: TypeIssue[], types: Map<Expr, SemType>): SemType | undefined {
  switch (e.kind) {
    case 'number':
      issues.push({ message: 'numbers are not program values (counts come from count())', span: e.span, severity: 'error' });
      return undefined;
    case 'name':
      return nameType(e.name, e.span, env, issues);
    case 'list': {
      for (const item of e.items) {
        const t = infer(item, undefined, env, issues, types);
        if (t && !(t.kind === 'base' && t.type === 'Concept')) {
          issues.push({ message: `a list holds concepts, found ${typeToString(t)}`, span: item.span, severity: 'error' });
        }
      }
      return { kind: 'base', type: 'Concept' }; // only accepted where a list parameter allows it
    }
    case 'lambda': {
      if (!expected || expected.kind !== 'fn') {
        issues.push({ message: expected ? `expected ${typeToString(expected)}, found a function (\\${e.param.name}. …)` : 'a lambda term needs a category that gives its argument type (lexicon entries only)', span: e.span, severity: 'error' });
        return undefined;
      }
      const inner = new Map(env);
      inner.set(e.param.name, expected.param);
      types.set(e.param as unknown as Expr, expected.param);
      const body = infer(e.body, expected.result, inner, issues, types);
      if (body && !fits(body, expected.result)) {
        issues.push({ message: `the body of \\${e.param.name}. has type ${typeToString(body)}, but the category needs ${typeToString(expected.result)}`, span: e.body.span, severity: 'error' });
      }
      return body ? { kind: 'fn', param: expected.param, result: body } : undefined;
    }
    case 'call': {
      const name = e.fn.name;
      const local = env.get(name);
      if (local) {
        // Application of a function-typed variable, one argument at a time (curried).
        let t: SemType = local;
        for (const a of e.args) {
          if (t.kind !== 'fn') { issues.push({ message: `'${name}' takes fewer arguments`, span: a.span, severity: 'error' }); return undefined; }
          const at = infer(a, t.param, env, issues, types);
          if (at && !fits(at, t.param)) issues.push({ message: `expected ${typeToString(t.param)}, found ${typeToString(at)}`, span: a.span, severity: 'error' });
          t = t.result;
        }
        return t;
      }
      if (TEMPLATE_ONLY.has(name)) {
        issues.push({ message: `'${name}' is a template-only node of CLEVR's generator, not a program function`, span: e.fn.span, severity: 'error' });
        return undefined;
      }
      const sig = FUNCTIONS.get(name);
      if (!sig) {
        const s = suggest(name, FUNCTIONS.keys());
        issues.push({ message: `unknown function '${name}'${s ? ` — did you mean '${s}'?` : ''}`, span: e.fn.span, severity: 'error' });
        e.args.forEach((a) => infer(a, undefined, env, issues, types));
        return undefined;
      }
      if (e.args.length !== sig.params.length) {
        issues.push({ message: `${name} takes ${sig.params.length} argument${sig.params.length === 1 ? '' : 's'}, found ${e.args.length}`, span: e.span, severity: 'error' });
      }
      let attrArg: string | undefined;
      e.args.forEach((a, k) => {
        const p = sig.params[k];
        const at = infer(a, p ? paramType(p) : undefined, env, issues, types);
        const r = checkArg(sig, k, at, a.kind === 'list', a.kind === 'name' ? a.name : undefined);
        if (typeof r === 'string') issues.push({ message: r, span: a.span, severity: 'error' });
        else if (r?.attr) attrArg = r.attr;
      });
      return callResult(sig, attrArg);
    }
  }
}

/**
 * Checks argument k of a call of a program function, its type already inferred: an error message, or
 * the attribute name it supplies (`query(o, color)` returns a color). Shared by the term checker and
 * the node-by-node checker of JSON question programs (questions.ts).
 */
export function checkArg(sig: FunctionSig, k: number, at: SemType | undefined, isList: boolean, name?: string): string | { attr?: string } | undefined {
  const p = sig.params[k];
  if (!p || !at) return undefined;
  if (isList && !p.list) return `${sig.name} does not take a list here (expected ${typeToString(paramType(p))})`;
  if (p.type === 'Object' && p.implicitUnique && at.kind === 'base' && at.type === 'ObjectSet') return undefined;
  const attr = p.type === 'Attribute' && at.kind === 'base' && at.type === 'Attribute' && name !== undefined ? name : undefined;
  if (!fits(at, paramType(p))) {
    const want = p.attr ? `a ${p.attr} (Concept[${p.attr}])` : typeToString(paramType(p));
    return `${sig.name}: argument ${k + 1} expects ${want}, found ${typeToString(at)}${name !== undefined ? ` '${name}'` : ''}`;
  }
  return { attr };
}

/** The result type of a call whose arguments checked (a Concept result takes its attribute from the signature or the argument). */
export function callResult(sig: FunctionSig, attrArg?: string): SemType {
  if (sig.result === 'Concept') return base('Concept', sig.resultAttr ?? (attrArg && isAttribute(attrArg) ? attrArg : undefined));
  return base(sig.result);
}

/** The type of a constant (concept value, attribute or relation name) outside any lambda; unknown names are an issue. */
export function constantType(name: string, issues: TypeIssue[], span: Span = { start: -1, end: -1 }): SemType | undefined {
  return nameType(name, span, new Map(), issues);
}
