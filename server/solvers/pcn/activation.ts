// Pointwise activations of the PCN with their derivatives. ReLU uses f'(0) := 0 (pcn.md §2).

export type ActivationName = 'relu' | 'tanh' | 'sigmoid' | 'linear';
export const activationNames: ActivationName[] = ['relu', 'tanh', 'sigmoid', 'linear'];

export interface Activation {
  f(x: number): number;
  df(x: number): number;
}

export const activations: Record<ActivationName, Activation> = {
  relu: { f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0) },
  tanh: { f: Math.tanh, df: (x) => { const t = Math.tanh(x); return 1 - t * t; } },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), df: (x) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); } },
  linear: { f: (x) => x, df: () => 1 },
};
