// The CLI's subcommands, one module each. Add a command by adding its module to this list.
import type { CliCommand } from './args';
import { solveCommand } from './solve';
import { taskCommand } from './task';

export const commands: CliCommand[] = [solveCommand, taskCommand];
