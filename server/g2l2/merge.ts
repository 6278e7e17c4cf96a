// Local marginalisation of CKY-E2 (math spec L5): the expected value of several derivations' values
// with weights w_k, mixed in probability space with π = softmax(w); the merged weight is logsumexp.
import * as K from '../clevr/kernels';
import type { SoftValue } from '../clevr/soft';

export function softmaxWeights(ws: number[]): number[] {
  const m = Math.max(...ws);
  if (m === -Infinity) return ws.map(() => 1 / ws.length);
  const e = ws.map((w) => Math.exp(w - m));
  const z = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / z);
}

const clipLogit = (p: number) => K.logit(Math.min(1 - 1e-6, Math.max(1e-6, p)));

/** The L5 mixture, or undefined when the values cannot be merged (relations, mixed kinds). */
export function mergeSoftValues(values: SoftValue[], weights: number[]): SoftValue | undefined {
  if (values.length === 1) return values[0];
  const t = values[0].t;
  if (values.some((v) => v.t !== t)) return undefined;
  const pi = softmaxWeights(weights);
  switch (t) {
    case 'set': {
      const n = (values[0] as { logits: Float64Array }).logits.length;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let p = 0;
        values.forEach((v, k) => { p += pi[k] * K.sigmoid((v as { logits: Float64Array }).logits[i]); });
        out[i] = clipLogit(p);
      }
      return { t: 'set', logits: out };
    }
    case 'bool': {
      let p = 0;
      values.forEach((v, k) => { p += pi[k] * K.sigmoid((v as { logit: number }).logit); });
      return { t: 'bool', logit: clipLogit(p) };
    }
    case 'object': {
      const n = (values[0] as { p: Float64Array }).p.length;
      const out = new Float64Array(n);
      values.forEach((v, k) => { const p = (v as { p: Float64Array }).p; for (let i = 0; i < n; i++) out[i] += pi[k] * p[i]; });
      return { t: 'object', p: out };
    }
    case 'concept': {
      const d = (values[0] as { dist: Float64Array }).dist.length;
      const out = new Float64Array(d);
      values.forEach((v, k) => { const x = (v as { dist: Float64Array }).dist; for (let i = 0; i < d; i++) out[i] += pi[k] * x[i]; });
      const attrs = new Set(values.map((v) => (v as { attr?: string }).attr));
      return { t: 'concept', dist: out, attr: attrs.size === 1 ? (values[0] as { attr?: never }).attr : undefined };
    }
    case 'int': {
      let s = 0;
      values.forEach((v, k) => { s += pi[k] * (v as { n: number }).n; });
      return { t: 'int', n: s };
    }
    default: {
      // attr / rel / concept lists: only identical constants merge.
      const keys = new Set(values.map((v) => JSON.stringify(v, (_k, x) => (x instanceof Float64Array ? [...x] : x))));
      return keys.size === 1 ? values[0] : undefined;
    }
  }
}
