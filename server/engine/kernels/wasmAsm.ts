// A tiny WebAssembly assembler: just enough encoding (LEB128 integers, sections, vectors, the few
// opcodes the hand-written kernels use) to emit their modules' bytes without an external toolchain.
// Shared by the SIMD matmul (wasmGemm.ts) and the SIMD tanh (wasmTanh.ts).

export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f; n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

export const op = {
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b],
  br: (l: number) => [0x0c, ...uleb(l)], brIf: (l: number) => [0x0d, ...uleb(l)],
  get: (i: number) => [0x20, ...uleb(i)], set: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a], sub: [0x6b], mul: [0x6c], geS: [0x4e], eqz: [0x45],
  simd: (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm],
};
