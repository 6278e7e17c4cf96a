// The data of the CKY chart view (request `theorylab/chart`, params {uri, line}). The webview draws
// the triangular chart from `cells`; clicking a node shows the derivation tree rebuilt from `children`.

export interface ChartNodeData {
  /** Unique within the chart; `children` refer to these ids. */
  id: number;
  /** CCG category, e.g. `(N\N)/NP`; a coordination half is shown as `X\X[conj]`. */
  category: string;
  /** Semantic type: `ObjectSet`, `Integer`, … or a function type. */
  type: string;
  /** The program of the node's representative (highest-weight) derivation. */
  program: string;
  /** log-weight: sum of the entries' log-probabilities, logsumexp over merged derivations. */
  logWeight: number;
  /** The soft value on the scene, as text (logits / distribution / expected count), or '' for functors. */
  value: string;
  /** How the node was built: `lex`, `>` forward, `<` backward, `conj`, `<conj`, `emptyL`, `emptyR`. */
  rule: string;
  /** Child node ids of the representative derivation (empty for a lexical node). */
  children: number[];
  /** How many derivations CKY-E2 merged into this node (1 when none). */
  merged: number;
  /** For lexical nodes: the surface word(s) and the entry's line (0-based) in the file. */
  word?: string;
  entryLine?: number;
}

export interface ChartCellData {
  /** Token span [start, end) of the cell. */
  start: number;
  end: number;
  nodes: ChartNodeData[];
}

export interface ChartDerivationData {
  category: string;
  program: string;
  logWeight: number;
  /** Symbolic answer spelled as CLEVR does, or null when execution is INVALID. */
  answer: string | null;
  /** The derivation tree as indented text. */
  tree: string;
}

export interface ChartData {
  uri: string;
  /** 0-based line of the `sentence` statement. */
  line: number;
  sentence: string;
  scene: string;
  lexicon: string;
  tokens: string[];
  /** Every cell of the CKY-E2 chart with at least one node, shortest spans first. */
  cells: ChartCellData[];
  /** Ids of the root nodes (category S over the whole sentence). */
  roots: number[];
  /** Full parses, best first (exhaustive CKY, k-best). */
  derivations: ChartDerivationData[];
  best: string | null;
  /** CKY-E2 expected answer: a number for counts, else {answer: probability}. */
  expected: number | Record<string, number> | null;
  stats: { cells: number; nodesWithoutMerging: number; nodesWithMerging: number };
  /** Problems (no full parse, words with no entry), as messages. */
  diagnostics: string[];
}
