// A function tabulated on a uniform grid and read back by 4-point (cubic) Lagrange interpolation:
// error O(h^4), no derivatives needed, ~20 flops per lookup. Used to replace an expensive inner solve
// inside a fixed-point loop.

export class UniformTable {
  readonly x1: number;
  constructor(readonly x0: number, readonly h: number, readonly y: Float64Array) {
    if (y.length < 4) throw new Error('UniformTable needs at least 4 points');
    this.x1 = x0 + h * (y.length - 1);
  }

  /** Builds a table of f on n points covering [x0, x1]. */
  static build(f: (x: number) => number, x0: number, x1: number, n: number): UniformTable {
    const h = (x1 - x0) / (n - 1);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = f(x0 + i * h);
    return new UniformTable(x0, h, y);
  }

  contains(x: number): boolean { return x >= this.x0 && x <= this.x1; }

  /** Cubic interpolation at x (the stencil is shifted inwards at the ends; x outside extrapolates). */
  at(x: number): number {
    const y = this.y, n = y.length;
    const s = (x - this.x0) / this.h;
    let i = Math.floor(s) - 1;
    if (i < 0) i = 0; else if (i > n - 4) i = n - 4;
    const t = s - i; // position relative to node i, nodes at t = 0, 1, 2, 3
    const t1 = t - 1, t2 = t - 2, t3 = t - 3;
    return -y[i] * t1 * t2 * t3 / 6 + y[i + 1] * t * t2 * t3 / 2 - y[i + 2] * t * t1 * t3 / 2 + y[i + 3] * t * t1 * t2 / 6;
  }
}
