// Registry entries of the ByPE-VAE solvers (math: shared/math/bype-vae.md).
import type { SolverDef } from '../registry';
import { pseudocoresetSolver } from './solver';
import { vaeSolver } from './vaeSolver';

export const solvers: SolverDef[] = [pseudocoresetSolver, vaeSolver];
