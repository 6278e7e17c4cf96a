// Registry entries of this paper's solvers (filled in by its issue).
import type { SolverDef } from '../registry';

export const solvers: SolverDef[] = [];
