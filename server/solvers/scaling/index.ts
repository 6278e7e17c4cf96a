// Registry entries of the scaling-law solvers (math spec: shared/math/scaling-laws.md).
import type { SolverDef } from '../contract';
import { theorySolvers } from './theorySolvers';
import { adamStudent } from './adamStudent';

export const solvers: SolverDef[] = [...theorySolvers, adamStudent];
