// Type checker for program terms: function signatures over the 6 types, attribute names, concept,
// attribute and relation constants (with "did you mean"), lambda terms checked against an expected
// function type (lexicon entries, where the type comes from the CCG category).
import type { Expr, Span } from './ast';
import { FUNCTIONS, ParamType, TEMPLATE_ONLY } from './functions';
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
        if (!p || !at) return;
        if (a.kind === 'list' && !p.list) {
          issues.push({ message: `${name} does not take a list here (expected ${typeToString(paramType(p))})`, span: a.span, severity: 'error' });
          return;
        }
        if (p.type === 'Object' && p.implicitUnique && at.kind === 'base' && at.type === 'ObjectSet') return;
        if (p.type === 'Attribute' && at.kind === 'base' && at.type === 'Attribute' && a.kind === 'name') attrArg = a.name;
        if (!fits(at, paramType(p))) {
          const want = p.attr ? `a ${p.attr} (Concept[${p.attr}])` : typeToString(paramType(p));
          issues.push({ message: `${name}: argument ${k + 1} expects ${want}, found ${typeToString(at)}${a.kind === 'name' ? ` '${a.name}'` : ''}`, span: a.span, severity: 'error' });
        }
      });
      if (sig.result === 'Concept') return base('Concept', sig.resultAttr ?? (attrArg && isAttribute(attrArg) ? attrArg : undefined));
      return base(sig.result);
    }
  }
}
