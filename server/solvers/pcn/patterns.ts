// Data the PCN stores, generated here (no downloads): random binary patterns, and small grayscale
// images of procedurally drawn shapes (disc, square, triangle, ring, cross, bar) at random positions,
// sizes and intensities.
import { Rng } from '../../numeric/rng';

export function binaryPatterns(N: number, dim: number, rng: Rng): Float64Array {
  const out = new Float64Array(N * dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform() < 0.5 ? 0 : 1;
  return out;
}

const shapeKinds = ['disc', 'square', 'triangle', 'ring', 'cross', 'bar'] as const;

/** N images of side × side pixels in [0, 1], row-major, one shape (sometimes two) per image. */
export function shapeImages(N: number, side: number, rng: Rng): Float64Array {
  const out = new Float64Array(N * side * side);
  for (let s = 0; s < N; s++) {
    const img = out.subarray(s * side * side, (s + 1) * side * side);
    const count = rng.uniform() < 0.3 ? 2 : 1;
    for (let c = 0; c < count; c++) drawShape(img, side, rng);
  }
  return out;
}

function drawShape(img: Float64Array, side: number, rng: Rng): void {
  const kind = shapeKinds[rng.int(shapeKinds.length)];
  const r = side * (0.15 + 0.2 * rng.uniform());
  const cx = r + rng.uniform() * (side - 2 * r);
  const cy = r + rng.uniform() * (side - 2 * r);
  const value = 0.5 + 0.5 * rng.uniform();
  const angle = rng.uniform() * Math.PI;
  const ca = Math.cos(angle), sa = Math.sin(angle);
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const dx = px + 0.5 - cx, dy = py + 0.5 - cy;
      const u = (ca * dx + sa * dy) / r, v = (-sa * dx + ca * dy) / r;
      let inside = false;
      switch (kind) {
        case 'disc': inside = u * u + v * v <= 1; break;
        case 'square': inside = Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8; break;
        case 'triangle': inside = v <= 0.7 && v >= -0.9 + 1.6 * Math.abs(u); break;
        case 'ring': { const q = u * u + v * v; inside = q <= 1 && q >= 0.4; break; }
        case 'cross': inside = (Math.abs(u) <= 0.25 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.25 && Math.abs(u) <= 1); break;
        case 'bar': inside = Math.abs(u) <= 1 && Math.abs(v) <= 0.3; break;
      }
      if (inside) img[py * side + px] = Math.max(img[py * side + px], value);
    }
  }
}
