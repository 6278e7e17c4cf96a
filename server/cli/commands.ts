// The CLI's subcommands, one module each. Add a command by adding its module to this list.
import type { CliCommand } from './args';
import { solveCommand } from './solve';

export const commands: CliCommand[] = [solveCommand];
