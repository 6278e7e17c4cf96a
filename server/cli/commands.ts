// The CLI's subcommands, one module each. Add a command by adding its module to this list.
import type { CliCommand } from './args';
import { solveCommand } from './solve';
import { taskCommand } from './task';
import { clevrEvalCommand } from './clevr';
import { g2l2ParseCommand } from './g2l2';
import { runCommand } from './run';
import { checkCommand } from './check';

export const commands: CliCommand[] = [solveCommand, taskCommand, clevrEvalCommand, g2l2ParseCommand, runCommand, checkCommand];
