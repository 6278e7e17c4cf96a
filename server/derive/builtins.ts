// The names a derivation can call, shared by the shape checker and the evaluator so they never disagree,
// and their documentation (signatures, shape rules, the `given` shapes and domains, the tensor operators),
// the one table read by completion, hover, signature help, semantic tokens and docs/language.md.
// User functions (file- or derivation-level `let f(u) = …`) shadow these.

/** One argument, applied entry by entry; the result has the argument's shape. */
export const ELEMENTWISE_UNARY = ['exp', 'log', 'tanh', 'sigmoid', 'relu', 'sqrt', 'abs', 'sin', 'cos'] as const;

export const BUILTIN_NAMES = new Set<string>([
  ...ELEMENTWISE_UNARY,
  'sum', 'mean', 'max', 'min', 'logsumexp', 'softmax', 'outer', 'diag', 'eye', 'ones', 'inv', 'det', 'logdet', 'trace', 'grad',
]);

/** A derivation built-in: its overloads (`max(A, B)`, `max(X)`), what it computes and its shape rule. */
export interface DeriveBuiltinDoc { name: string; signatures: string[]; doc: string }

const elementwise = (name: string, what: string): DeriveBuiltinDoc => ({ name, signatures: [`${name}(X)`], doc: `${what}, entry by entry; the shape of X.` });

export const DERIVE_BUILTINS: DeriveBuiltinDoc[] = [
  elementwise('exp', 'eˣ'), elementwise('log', 'natural log'), elementwise('tanh', 'tanh x'),
  elementwise('sigmoid', '1/(1 + e⁻ˣ)'), elementwise('relu', 'max(x, 0)'), elementwise('sqrt', '√x'),
  elementwise('abs', '|x|'), elementwise('sin', 'sin x'), elementwise('cos', 'cos x'),
  { name: 'sum', signatures: ['sum(X)'], doc: 'Sum of all entries: a scalar.' },
  { name: 'mean', signatures: ['mean(X)'], doc: 'Mean of all entries: a scalar.' },
  { name: 'max', signatures: ['max(A, B)', 'max(X)'], doc: 'Two arguments: the elementwise maximum (a scalar broadcasts). One: the largest entry, a scalar.' },
  { name: 'min', signatures: ['min(A, B)', 'min(X)'], doc: 'Two arguments: the elementwise minimum (a scalar broadcasts). One: the smallest entry, a scalar.' },
  { name: 'logsumexp', signatures: ['logsumexp(X)'], doc: 'log Σ exp over all entries, computed stably: a scalar.' },
  { name: 'softmax', signatures: ['softmax(v)'], doc: 'exp(v) / sum(exp(v)), computed stably: vector (n) → vector (n).' },
  { name: 'outer', signatures: ['outer(a, b)'], doc: 'Outer product a bᵀ: vectors (m), (n) → matrix (m×n).' },
  { name: 'diag', signatures: ['diag(v)', 'diag(M)'], doc: 'A vector (n) → the diagonal matrix (n×n); a matrix → its diagonal, a vector.' },
  { name: 'eye', signatures: ['eye(n)'], doc: 'The identity matrix (n×n); n a constant positive integer.' },
  { name: 'ones', signatures: ['ones(n)'], doc: 'A vector of n ones; n a constant positive integer.' },
  { name: 'inv', signatures: ['inv(M)'], doc: 'Inverse of a square matrix (n×n → n×n); a near-singular point is redrawn.' },
  { name: 'det', signatures: ['det(M)'], doc: 'Determinant of a square matrix: a scalar.' },
  { name: 'logdet', signatures: ['logdet(M)'], doc: 'log |det M| of a square matrix: a scalar.' },
  { name: 'trace', signatures: ['trace(M)'], doc: 'Sum of the diagonal of a square matrix: a scalar.' },
  { name: 'grad', signatures: ['grad(S, X)'], doc: 'Gradient of the scalar expression S with respect to the `given` variable X, by reverse-mode autodiff: the shape of X. A failing check on it also shows central finite differences.' },
];

export const DERIVE_BUILTIN_BY_NAME = new Map(DERIVE_BUILTINS.map((b) => [b.name, b]));

/** The shapes a `given` variable can have (the words after `given x:`), with the text completion inserts. */
export const GIVEN_SHAPES: { name: string; label: string; snippet: string; doc: string }[] = [
  { name: 'scalar', label: 'scalar', snippet: 'scalar', doc: 'A single number, shape ().' },
  { name: 'vector', label: 'vector(n)', snippet: `vector(\${1:n})`, doc: 'A vector of n entries, shape (n); n a positive integer.' },
  { name: 'matrix', label: 'matrix(m, n)', snippet: `matrix(\${1:m}, \${2:n})`, doc: 'A matrix of m rows and n columns, shape (m×n).' },
];

/** Where the random entries of a `given` come from (the word after the shape; `real` when absent). Kept in step with domains.ts. */
export const GIVEN_DOMAINS: { name: string; doc: string }[] = [
  { name: 'real', doc: 'Independent N(0, 1) entries (the default).' },
  { name: 'positive', doc: 'Entries exp(N(0, 0.5²)), about 0.37 to 2.7: away from 0, so log, sqrt and 1/x stay tame. Alone (`given s: positive`) a positive scalar.' },
  { name: 'unit', doc: 'A vector uniform on the unit sphere (‖x‖ = 1). Vectors only.' },
  { name: 'simplex', doc: 'A vector uniform on the probability simplex (entries ≥ 0 summing to 1, Dirichlet(1, …, 1)). Vectors only.' },
  { name: 'spd', doc: 'A symmetric positive-definite matrix B Bᵀ/n + I (eigenvalues ≥ 1, condition number ≲ 10). Square matrices only.' },
];

/** The tensor operators of derivation expressions, for hover and the language guide. */
export const DERIVE_OPERATORS: { name: string; doc: string }[] = [
  { name: '@', doc: 'Matrix product: (m×k) @ (k×n) → (m×n), (m×k) @ (k) → (m), (k) @ (k×n) → (n), (k) @ (k) → scalar.' },
  { name: '.T', doc: 'Transpose: (m×n) → (n×m); a vector or scalar is unchanged.' },
  { name: '*', doc: 'Elementwise product (also `+`, `-`, `/`, `^`); shapes must agree, only a scalar broadcasts.' },
  { name: "f'", doc: "Elementwise derivative of a scalar user function of one argument: `let f(u) = tanh(u)` gives f'(X), the shape of X." },
];
