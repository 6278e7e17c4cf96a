// scaling.adam_student: the Adam protocol of the math spec (A6). A teacher with orthonormal rows and
// known readouts labels n Gaussian inputs; a width-p student (both layers trained) is fitted with
// Adam on 3 sequential batches per epoch with row renormalisation after each epoch; the noiseless
// test MSE is compared with ε^BO directly, and teacher features count as learned when some student
// row has |cosine| > 0.7 with them.
import { Rng } from '../../numeric/rng';
import { compileScalarExpr, ExprError } from '../../numeric/scalarExpr';
import { SolverDef, SolverInputError, SolverContext, Value } from '../contract';
import { activationModel } from './activation';
import { prepareReadouts, readoutSquares, ReadoutProfile, solveBayesOptimal } from './bayesOptimal';
import { scalarChannel } from './channel';
import { cpuStudentKernel, newStudent, StudentKernel, TORCH_ADAM, Activation } from './studentMlp';
import { sampleData, Teacher } from './teacher';
import { runAdamSeedOnKernels, scaledTanh } from './kernelStudent';
import { AdamRunConfig, AdamSeedResult, featureOverlaps, initialStudent, makeTeacher } from './adamProtocol';
import type { KernelApi } from '../contract';
import { activationParam, validateAlphaOrN } from './theorySolvers';

/** Largest n·d held in memory (float32 inputs: 2.4 GB; the paper's largest run, α = 70 at d = 200, is 5.6e8). */
const MAX_ND = 6e8;
/** Under the test budget the training set is capped too, so a smoke run of a d = 200 sweep takes seconds per point. */
const TEST_BUDGET_MAX_N = 5000;
const LEARNED_OVERLAP = 0.7;

/** One seed of the protocol on the typed-array student; `rng` draws the data, then the initialisation. */
export function runAdamSeed(cfg: AdamRunConfig, teacher: Teacher, rng: Rng, kernel: StudentKernel = cpuStudentKernel,
  hooks: { checkCancelled(): void; epochDone?(e: number): void } = { checkCancelled() {} }): AdamSeedResult {
  const { d, width: p, n } = cfg;
  const train = sampleData(teacher, n, cfg.delta, cfg.act.f, rng, hooks.checkCancelled);
  const test = sampleData(teacher, cfg.nTest, 0, cfg.act.f, rng, hooks.checkCancelled);
  const { W, v } = initialStudent(cfg, rng);
  const s = newStudent(d, p, W, v);
  const opt = { ...TORCH_ADAM, lr: cfg.lr };
  const trace = new Float64Array(cfg.epochs);
  const bounds = Array.from({ length: cfg.batches + 1 }, (_, b) => Math.round((b * n) / cfg.batches));
  for (let e = 0; e < cfg.epochs; e++) {
    let acc = 0;
    for (let b = 0; b < cfg.batches; b++) {
      hooks.checkCancelled();
      const rows = bounds[b + 1] - bounds[b];
      if (rows === 0) continue;
      acc += rows * kernel.trainStep(s, { X: train.X, y: train.y, start: bounds[b], rows }, cfg.act, opt);
    }
    trace[e] = acc / n;
    if (!Number.isFinite(trace[e])) throw new Error(`scaling.adam_student: training diverged at epoch ${e + 1} (loss ${trace[e]}); lower \`lr\``);
    if (cfg.renormalise) kernel.normaliseRows(s);
    hooks.epochDone?.(e);
  }
  const testMse = kernel.mse(s, { X: test.X, y: test.y, start: 0, rows: cfg.nTest }, cfg.act);
  const maxOverlap = featureOverlaps(s.W, p, teacher);
  const learned = maxOverlap.reduce((a, x) => a + (x > LEARNED_OVERLAP ? 1 : 0), 0);
  return { testMse, trainMse: trace[cfg.epochs - 1], learned, maxOverlap, lossTrace: trace };
}

function stat(xs: number[]): { mean: number; std: number; n: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean: m, std: sd, n: xs.length };
}

function compileActivation(source: string): Activation {
  try {
    const c = compileScalarExpr(source, 'x');
    return { f: c.evaluate, df: c.derivative, dual: { fn: c.dual, slot: c.dualSlot } };
  } catch (e) {
    if (e instanceof ExprError) throw new SolverInputError(`activation \`${source}\`: ${e.message}`, 'activation');
    throw e;
  }
}

/** ε^BO and k_c for the same teacher (the theory removes the activation's linear part itself). */
function theoryFor(source: string, v2: Float64Array, nOverD: number, delta: number, ctx: SolverContext): { eps: number; kc: number } | null {
  try {
    const act = activationModel(source);
    const ch = scalarChannel(act);
    const s = solveBayesOptimal(act, ch, { nOverD, delta, readouts: prepareReadouts(v2), rtol: 1e-12, maxIter: 10000, scalarOnly: true });
    return { eps: s.eps, kc: s.kc };
  } catch (e) {
    ctx.warn(`no Bayes-optimal reference for this activation: ${(e as Error).message}`);
    return null;
  }
}

export const adamStudent: SolverDef = {
  id: 'scaling.adam_student',
  title: 'Width-p two-layer student trained with Adam on teacher data (test MSE vs ε^BO, learned features)',
  doc: 'Protocol of the math spec (A6): teacher y = Σ_i v_i σ(x·w0_i) + √Δ ξ with k orthonormal rows (fixed by the call seed, ' +
    'shared by all seeds and all n), σ **with** its linear part; student f(x) = Σ_j v_j σ(x·w_j), W initialised U(−1/√d, 1/√d)/√d, ' +
    'v initialised to p^{−1/2} (`v_init`) or 0; Adam (β = 0.9, 0.999), MSE without ½, `batches` sequential batches per epoch, ' +
    'rows of W renormalised to unit norm after every epoch. Reports the noiseless test MSE over `n_test` fresh points (mean, std over ' +
    '`seeds`; each seed redraws the data and the initialisation), the number of teacher features with max |cos| > 0.7, and ε^BO of the ' +
    'same teacher. The paper uses 10,000 epochs; on a CPU use fewer (the cost grows as seeds·epochs·n·d·width). ' +
    `Under the test budget epochs ≤ 20, n_test ≤ 2000, seeds ≤ 2 and n ≤ ${TEST_BUDGET_MAX_N} (a smoke run). ` +
    'Activations tanh(c·x) train on the job\'s kernels (the system BLAS on the CPU, WebGPU when the device setting allows; float32); other activations on a float64 typed-array student.',
  paper: 'J. Barbier and M.-T. Nguyen, arXiv:2605.10395 (2026), Fig. 1 (Adam runs)',
  mathSpec: 'scaling-laws.md', version: '2', stochastic: true,
  params: [
    { name: 'd', kind: 'integer', default: 200, min: 2, max: 4096, doc: 'input dimension' },
    { name: 'k', kind: 'integer', default: 100, min: 1, max: 4096, doc: 'teacher width (k ≤ d: orthonormal rows)' },
    { name: 'beta', kind: 'number', default: 1, min: 0, max: 20, doc: 'readout decay v_i ∝ i^{−β}' },
    { name: 'delta', kind: 'number', default: 0.01, min: 0, max: 100, doc: 'label noise variance Δ of the training labels' },
    { name: 'alpha', kind: 'number', optional: true, min: 0, exclusiveMin: true, max: 1e6, doc: 'n = alpha·d² (give alpha or n)' },
    { name: 'n', kind: 'integer', optional: true, min: 1, max: 1e9, doc: 'number of training samples (give alpha or n)' },
    { name: 'width', kind: 'integer', default: 100, min: 1, max: 4096, doc: 'student width p (e.g. the theory k_c)' },
    { name: 'lr', kind: 'number', default: 0.003, min: 0, exclusiveMin: true, max: 1, doc: 'Adam learning rate' },
    { name: 'epochs', kind: 'integer', default: 10000, min: 1, max: 1e6, doc: 'epochs (each = `batches` Adam steps); the paper uses 10,000' },
    { name: 'batches', kind: 'integer', default: 3, min: 1, max: 1e6, doc: 'sequential batches per epoch (batch size n/batches)' },
    { name: 'seeds', kind: 'integer', default: 9, min: 1, max: 1000, doc: 'independent repetitions (data and initialisation redrawn)' },
    { name: 'n_test', kind: 'integer', default: 10000, min: 1, max: 1e7, doc: 'noiseless test points' },
    { name: 'v_init', kind: 'enum', default: 'inv_sqrt_width', values: ['inv_sqrt_width', 'zero'], doc: 'second-layer initialisation: p^{−1/2} (k_c-width runs) or 0 (width sweeps)' },
    { name: 'renormalise', kind: 'boolean', default: true, doc: 'renormalise the rows of W to unit norm after every epoch' },
    { name: 'implementation', kind: 'enum', default: 'auto', values: ['auto', 'js'], doc: "auto: the kernel student (the job's backend: BLAS CPU or GPU per the device setting) when the activation is tanh(c·x), else the typed-array student; js: always the typed-array student (float64)" },
    activationParam,
    { name: 'readouts', kind: 'enum', default: 'power', values: ['power', 'dense', 'exp2'], doc: 'teacher readout profile (as in scaling.bayes_optimal)' },
  ],
  outputs: [
    { name: 'test_mse', kind: 'stat', doc: 'final noiseless test MSE (no ½), {mean, std, n} over seeds; compare with ε^BO directly' },
    { name: 'learned_features', kind: 'stat', doc: 'teacher features with max_j |w_j·w0_i| > 0.7, over seeds' },
    { name: 'train_mse', kind: 'stat', doc: 'training MSE of the last epoch (noisy labels), over seeds' },
    { name: 'eps_bo', kind: 'number', doc: 'ε^BO of the same teacher (scaling.bayes_optimal; null if the theory refuses the activation)' },
    { name: 'k_c', kind: 'integer', doc: 'theory effective width k_c of the same teacher' },
    { name: 'ratio_to_bo', kind: 'number', doc: 'test_mse.mean / eps_bo' },
    { name: 'max_overlaps', kind: 'vector', doc: 'per teacher feature i: max_j |w_j·w0_i|, mean over seeds' },
    { name: 'loss_trace', kind: 'trace', doc: 'training MSE of an epoch (mean over its batches, each measured before its step; mean over seeds) at ≤ 200 evenly spaced epochs and the last' },
    { name: 'backend', kind: 'string', doc: "where the student was trained: the job's kernels ('cpu:openblas-… (n threads)', 'cpu:wasm-simd …', 'webgpu:…') for tanh(c·x), else 'cpu-js'; equals the job's reported backend" },
    { name: 'epochs_run', kind: 'integer', doc: 'epochs actually run (smaller under the test budget)' },
    { name: 'n', kind: 'integer', doc: 'training samples used (capped under the test budget)' },
  ],
  cost: (p) => {
    const d = p.d as number, n = p.alpha !== undefined ? (p.alpha as number) * d * d : (p.n as number ?? 0);
    return (p.seeds as number) * (4 * n * d * (p.width as number) * (p.epochs as number) + 2 * n * d * (p.k as number)) / 1e9;
  },
  memoryEstimate: (p) => {
    // One seed at a time (the previous seed's data become garbage): float32 training inputs plus the
    // kernel's resident copy, float64 labels (+ float32 copy), the float32 test set, the teacher, the
    // student with Adam moments and gradients (float64 + float32 copies), and hidden activations and
    // their gradients for the largest row block (a training batch or ≤ 65,536 test rows).
    const d = p.d as number, k = p.k as number, width = p.width as number, nTest = p.n_test as number;
    const n = p.alpha !== undefined ? Math.round((p.alpha as number) * d * d) : ((p.n as number | undefined) ?? 0);
    const maxRows = Math.max(Math.ceil(n / (p.batches as number)), Math.min(nTest, 65536));
    return 8 * 2 ** 20 + n * d * 8 + n * 12 + nTest * (d * 4 + 8) + k * d * 8
      + width * d * 8 * 6 + maxRows * width * 4 * 2 + (p.epochs as number) * 16;
  },
  validate(p) {
    const issues = validateAlphaOrN(p);
    if (issues.length) return issues;
    if ((p.k as number) > (p.d as number)) return [{ param: 'k', message: `k = ${p.k} > d = ${p.d}: the teacher rows must be orthonormal (k ≤ d)` }];
    const d = p.d as number;
    const n = p.alpha !== undefined ? Math.round((p.alpha as number) * d * d) : (p.n as number);
    if (n * d > MAX_ND) return [{ param: p.alpha !== undefined ? 'alpha' : 'n', message: `n·d = ${n * d} exceeds ${MAX_ND} values (${(MAX_ND * 4 / 1e9).toFixed(1)} GB of inputs): use a smaller alpha or d` }];
    if (n < (p.batches as number)) return [{ param: 'batches', message: `batches = ${p.batches} > n = ${n}` }];
    return [];
  },
  async run(p, ctx) {
    const d = p.d as number, k = p.k as number, width = p.width as number;
    const nAsked = p.alpha !== undefined ? Math.round((p.alpha as number) * d * d) : (p.n as number);
    const testBudget = ctx.budget === 'test';
    const n = testBudget ? Math.min(nAsked, TEST_BUDGET_MAX_N) : nAsked;
    if (n < nAsked) ctx.warn(`test budget: trained on ${n} samples instead of ${nAsked} (eps_bo is for ${nAsked})`);
    const epochs = testBudget ? Math.min(p.epochs as number, 20) : (p.epochs as number);
    const seeds = testBudget ? Math.min(p.seeds as number, 2) : (p.seeds as number);
    const nTest = testBudget ? Math.min(p.n_test as number, 2000) : (p.n_test as number);
    if (testBudget && epochs < (p.epochs as number)) ctx.warn(`test budget: ${epochs} epochs instead of ${p.epochs}`);
    const source = p.activation as string;
    const act = compileActivation(source);
    const { v2 } = readoutSquares(k, p.beta as number, p.readouts as ReadoutProfile);
    const cfg: AdamRunConfig = {
      d, k, width, n, delta: p.delta as number, v2, act, lr: p.lr as number, epochs, batches: p.batches as number, nTest,
      vInit: p.v_init as 'zero' | 'inv_sqrt_width', renormalise: p.renormalise as boolean,
    };
    const teacher = makeTeacher(d, k, v2, Rng.derive(ctx.seed, 0));
    // The kernel student (studentModel.ts on the job's kernels) covers tanh(c·x); other activations, or
    // implementation = js, use the typed-array student.
    const c = p.implementation === 'js' ? null : scaledTanh(source);
    let kernels: KernelApi | null = null;
    if (c !== null) {
      // the job's kernels, so the solver's `backend` output and the job's reported backend agree
      kernels = ctx.kernels ?? null;
      if (!kernels) ctx.warn('no compute kernels in this context; the typed-array student is used');
    } else if (ctx.device === 'gpu') {
      ctx.warn(`the GPU student kernel covers tanh(c·x) only; \`${source}\` runs on the CPU`);
    }
    const backendName = kernels ? kernels.backend.name : 'cpu-js';
    const tests: number[] = [], trains: number[] = [], learned: number[] = [];
    const overlap = new Float64Array(k);
    const trace = new Float64Array(epochs);
    for (let sd = 0; sd < seeds; sd++) {
      const hooks = {
        checkCancelled: () => ctx.checkCancelled(),
        epochDone: (e: number) => { if ((e & 7) === 0) ctx.progress((sd + (e + 1) / epochs) / seeds, `seed ${sd + 1}/${seeds}, epoch ${e + 1}/${epochs}`); },
      };
      const rng = Rng.derive(ctx.seed, 1 + sd);
      const r = kernels && c !== null
        ? await runAdamSeedOnKernels(cfg, teacher, rng, kernels, c, hooks)
        : runAdamSeed(cfg, teacher, rng, cpuStudentKernel, hooks);
      if (!Number.isFinite(r.testMse)) throw new Error(`scaling.adam_student: the test MSE is ${r.testMse} (training diverged); lower \`lr\``);
      tests.push(r.testMse); trains.push(r.trainMse); learned.push(r.learned);
      for (let i = 0; i < k; i++) overlap[i] += r.maxOverlap[i] / seeds;
      for (let e = 0; e < epochs; e++) trace[e] += r.lossTrace[e] / seeds;
    }
    const theory = theoryFor(source, v2, nAsked / d, p.delta as number, ctx);
    const stride = Math.max(1, Math.ceil(epochs / 200));
    const traceOut: Value[] = [];
    for (let e = 0; e < epochs; e += stride) traceOut.push(trace[e]);
    if ((epochs - 1) % stride !== 0) traceOut.push(trace[epochs - 1]);
    const test = stat(tests);
    ctx.progress(1);
    return {
      test_mse: test, learned_features: stat(learned), train_mse: stat(trains),
      eps_bo: theory ? theory.eps : null, k_c: theory ? theory.kc : null,
      // Δ = 0 makes ε^BO = 0 (every feature recovered exactly): no finite ratio then.
      ratio_to_bo: theory && theory.eps > 0 ? test.mean / theory.eps : null,
      max_overlaps: Array.from(overlap), loss_trace: traceOut, epochs_run: epochs, n, backend: backendName,
    };
  },
};
