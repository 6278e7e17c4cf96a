// The names a derivation can call, shared by the shape checker and the evaluator so they never disagree.
// User functions (file- or derivation-level `let f(u) = …`) shadow these.

/** One argument, applied entry by entry; the result has the argument's shape. */
export const ELEMENTWISE_UNARY = ['exp', 'log', 'tanh', 'sigmoid', 'relu', 'sqrt', 'abs', 'sin', 'cos'] as const;

export const BUILTIN_NAMES = new Set<string>([
  ...ELEMENTWISE_UNARY,
  'sum', 'mean', 'max', 'min', 'logsumexp', 'softmax', 'outer', 'diag', 'eye', 'ones', 'inv', 'det', 'logdet', 'trace', 'grad',
]);

export const SIGNATURES: Record<string, string> = {
  exp: 'exp(X) — elementwise', log: 'log(X) — elementwise natural log', tanh: 'tanh(X) — elementwise',
  sigmoid: 'sigmoid(X) — elementwise 1/(1+e^-x)', relu: 'relu(X) — elementwise max(x, 0)',
  sqrt: 'sqrt(X) — elementwise', abs: 'abs(X) — elementwise', sin: 'sin(X) — elementwise', cos: 'cos(X) — elementwise',
  sum: 'sum(X) — sum of all entries (scalar)', mean: 'mean(X) — mean of all entries (scalar)',
  max: 'max(A, B) — elementwise maximum (a scalar broadcasts); max(X) — largest entry',
  min: 'min(A, B) — elementwise minimum (a scalar broadcasts); min(X) — smallest entry',
  logsumexp: 'logsumexp(X) — log Σ exp over all entries (scalar)', softmax: 'softmax(v) — vector → vector',
  outer: 'outer(a, b) — vectors (m), (n) → matrix (m×n)', diag: 'diag(v) → diagonal matrix; diag(M) → its diagonal',
  eye: 'eye(n) — identity matrix (n×n), n a constant', ones: 'ones(n) — vector of n ones, n a constant', inv: 'inv(M) — inverse of a square matrix',
  det: 'det(M) — determinant', logdet: 'logdet(M) — log |det M|', trace: 'trace(M) — sum of the diagonal',
  grad: 'grad(S, X) — gradient of the scalar S with respect to the given X (shape of X)',
};
