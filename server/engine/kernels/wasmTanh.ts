// tanh(s·x) over float32 arrays with WebAssembly SIMD: the same rational fit and the same float64
// operations in the same order as tanhF32 in cpu.ts, two lanes of float64 at a time and two pairs per
// loop turn, so the result is bitwise the one of the JS loop (a test checks) at about a third of its
// time. Operands live in JS typed arrays, so the data passes through a small scratch in this module's
// own memory in L2-sized chunks (copy in, compute in place, copy out); that copying is cheap next to
// the 22 flops and a division per element that tanh costs.
import { F64, I32, V128, op, section, str, uleb, vec } from './wasmAsm';
import { TANH_P, TANH_Q, TANH_CLAMP } from './tanhFit';

/** Elements per chunk: 256 KiB of float32, so a chunk stays in L2 between copy, compute and copy. */
const CHUNK = 1 << 16;

const f64Bytes = (v: number): number[] => [...new Uint8Array(new Float64Array([v]).buffer)];
/** v128.const with both float64 lanes = v. */
const splatConst = (v: number): number[] => op.simd(0x0c, ...f64Bytes(v), ...f64Bytes(v));

/**
 * tanh(ptr, n, s): x ← tanh(s·x) in place over n float32 at byte offset ptr (n a multiple of 4).
 * Per pair: load 8 bytes, promote to f64x2, v = max(−c, min(c, s·x)), u = v², then
 * v·P(u) / (1 + u·Q'(u)) by Horner, demote, store 8 bytes.
 */
function buildBody(): number[] {
  const [PTR, N, S] = [0, 1, 2];
  const END = 3;                                   // i32 local
  const [SV, V0, U0, P0, Q0, V1, U1, P1, Q1] = [4, 5, 6, 7, 8, 9, 10, 11, 12]; // v128 locals
  const g = op.get, st = op.set;
  const [vadd, vmul, vdiv, vmin, vmax] = [0xf0, 0xf2, 0xf3, 0xf4, 0xf5].map((c) => op.simd(c));
  const load2 = (offset: number) => op.simd(0x5d, 3, ...uleb(offset));      // v128.load64_zero
  const promote = op.simd(0x5f), demote = op.simd(0x5e);
  const store2 = (offset: number) => op.simd(0x5b, 3, ...uleb(offset), 0);  // v128.store64_lane 0
  // acc = coeffs[0]; acc = coeffs[i] + u·acc  (coefficients from the highest power down)
  const horner = (u: number, coeffs: number[], acc: number) => {
    const code = [...splatConst(coeffs[0]), ...st(acc)];
    for (const c of coeffs.slice(1)) code.push(...g(acc), ...g(u), ...vmul, ...splatConst(c), ...vadd, ...st(acc));
    return code;
  };
  const pair = (offset: number, V: number, U: number, P: number, Q: number) => [
    ...g(PTR), ...load2(offset), ...promote, ...g(SV), ...vmul,
    ...splatConst(TANH_CLAMP), ...vmin, ...splatConst(-TANH_CLAMP), ...vmax, ...st(V),
    ...g(V), ...g(V), ...vmul, ...st(U),
    ...horner(U, [...TANH_P].reverse(), P),
    ...horner(U, [...TANH_Q].reverse(), Q),
  ];
  const finish = (offset: number, V: number, P: number, Q: number) => [
    ...g(PTR), ...g(V), ...g(P), ...vmul, ...g(Q), ...vdiv, ...demote, ...store2(offset),
  ];
  const body = [
    ...g(S), ...op.simd(0x14), ...st(SV),                        // f64x2.splat s
    ...g(PTR), ...g(N), ...op.i32(4), ...op.mul, ...op.add, ...st(END),
    ...op.block, ...op.loop,
    ...g(PTR), ...g(END), ...op.geS, ...op.brIf(1),
    ...pair(0, V0, U0, P0, Q0), ...pair(8, V1, U1, P1, Q1),     // two independent chains
    ...finish(0, V0, P0, Q0), ...finish(8, V1, P1, Q1),
    ...g(PTR), ...op.i32(16), ...op.add, ...st(PTR),
    ...op.br(0), ...op.end, ...op.end,
    ...op.end,
  ];
  return [...vec([[...uleb(1), I32], [...uleb(9), V128]]), ...body];
}

function buildModule(): Uint8Array<ArrayBuffer> {
  const body = buildBody();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [F64]]), ...vec([])]])),
    ...section(2, vec([[...str('env'), ...str('mem'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...str('tanh'), 0x00, ...uleb(0)]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

type TanhFn = (ptr: number, n: number, s: number) => void;
let kernel: { fn: TanhFn; view: Float32Array } | null | undefined;

function load(): { fn: TanhFn; view: Float32Array } | null {
  if (kernel !== undefined) return kernel;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.ceil((CHUNK * 4) / 65536), maximum: Math.ceil((CHUNK * 4) / 65536) });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(buildModule()), { env: { mem: memory } });
    kernel = { fn: inst.exports.tanh as TanhFn, view: new Float32Array(memory.buffer, 0, CHUNK) };
  } catch {
    kernel = null; // no WebAssembly SIMD in this runtime: the JS loop does it
  }
  return kernel;
}

/**
 * out[i] = tanh(alpha·x[i]) for the first `n4` elements (a multiple of 4) through the SIMD kernel;
 * false when this runtime has no WebAssembly SIMD (nothing was written then). x and out may alias.
 */
export function wasmTanh(x: Float32Array, out: Float32Array, n4: number, alpha: number): boolean {
  const k = load();
  if (!k) return false;
  for (let o = 0; o < n4; o += CHUNK) {
    const len = Math.min(CHUNK, n4 - o);
    k.view.set(x.subarray(o, o + len));
    k.fn(0, len, alpha);
    out.set(k.view.subarray(0, len), o);
  }
  return true;
}
