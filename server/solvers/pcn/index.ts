// Registry entries of the predictive-coding solvers (math: shared/math/pcn.md).
import type { SolverDef } from '../registry';
import { pcnRetrieve, pcnTrain } from './solvers';

export const solvers: SolverDef[] = [pcnTrain, pcnRetrieve];
