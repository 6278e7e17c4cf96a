// The Adam protocol on the job's kernels (the system BLAS on the CPU, or WebGPU) through the one
// student model of ./studentModel.ts, f(x) = tanh(c·x Wᵀ)·v; this path is taken for activations of
// that form, any other activation runs on the float64 typed-array student of studentMlp.ts. Same
// random draws as the typed-array path (data, then initialisation), float32 arithmetic.
import type { KernelApi } from '../contract';
import { parseScalarExpr, ExprNode } from '../../numeric/scalarExpr';
import type { Rng } from '../../numeric/rng';
import { type AdamRunConfig, type AdamSeedResult, featureOverlaps, initialStudent } from './adamProtocol';
import { sampleData, Teacher } from './teacher';
import { StudentModel } from './studentModel';

/** c when `source` is tanh(c·x) (also tanh(x), tanh(x·c), tanh(x/c)); null otherwise. */
export function scaledTanh(source: string): number | null {
  let tree: ExprNode;
  try { tree = parseScalarExpr(source, 'x'); } catch { return null; }
  if (tree.t !== 'call' || tree.f !== 'tanh' || tree.args.length !== 1) return null;
  const a = tree.args[0];
  if (a.t === 'var') return 1;
  if (a.t === 'bin' && a.op === '*' && a.a.t === 'num' && a.b.t === 'var') return a.a.v;
  if (a.t === 'bin' && a.op === '*' && a.a.t === 'var' && a.b.t === 'num') return a.b.v;
  if (a.t === 'bin' && a.op === '/' && a.a.t === 'var' && a.b.t === 'num' && a.b.v !== 0) return 1 / a.b.v;
  return null;
}

export async function runAdamSeedOnKernels(cfg: AdamRunConfig, teacher: Teacher, rng: Rng, kernels: KernelApi, scale: number,
  hooks: { checkCancelled(): void; epochDone?(e: number): void }): Promise<AdamSeedResult> {
  const { d, width: p, n, epochs, batches } = cfg;
  const train = sampleData(teacher, n, cfg.delta, cfg.act.f, rng, hooks.checkCancelled);
  const test = sampleData(teacher, cfg.nTest, 0, cfg.act.f, rng, hooks.checkCancelled);
  const { W, v } = initialStudent(cfg, rng);
  const bounds = Array.from({ length: batches + 1 }, (_, b) => Math.round((b * n) / batches));
  let maxRows = 1;
  for (let b = 0; b < batches; b++) maxRows = Math.max(maxRows, bounds[b + 1] - bounds[b]);
  const student = new StudentModel(kernels, { d, p, maxRows: Math.max(maxRows, Math.min(cfg.nTest, 65536)), lr: cfg.lr, scale });
  try {
    student.setData(train.X, Float32Array.from(train.y), n);
    student.setWeights(Float32Array.from(W), Float32Array.from(v));
    // Reading the loss forces a device round trip, so it is sampled at ≤ 200 epochs (and the last).
    const stride = Math.max(1, Math.ceil(epochs / 200));
    const trace = new Float64Array(epochs).fill(NaN);
    for (let e = 0; e < epochs; e++) {
      const sample = e % stride === 0 || e === epochs - 1;
      let acc = 0;
      for (let b = 0; b < batches; b++) {
        hooks.checkCancelled();
        const rows = bounds[b + 1] - bounds[b];
        if (rows === 0) continue;
        student.step(bounds[b], rows);
        if (sample) acc += rows * (await student.lastLoss());
      }
      if (sample) {
        trace[e] = acc / n;
        if (!Number.isFinite(trace[e])) throw new Error(`scaling.adam_student: training diverged at epoch ${e + 1} (loss ${trace[e]}); lower \`lr\``);
      }
      if (cfg.renormalise) student.renormalizeRows();
      hooks.epochDone?.(e);
      // Let queued GPU work drain now and then, and keep the event loop (cancellation) alive.
      if ((e & 63) === 63) await kernels.sync();
    }
    const testMse = await student.evaluate(test.X, Float32Array.from(test.y), cfg.nTest);
    const w = await student.weights();
    const maxOverlap = featureOverlaps(Float64Array.from(w.w), p, teacher);
    const learned = maxOverlap.reduce((a, x) => a + (x > 0.7 ? 1 : 0), 0);
    return { testMse, trainMse: trace[epochs - 1], learned, maxOverlap, lossTrace: trace };
  } finally {
    student.dispose();
  }
}
