// `theorylab` command-line interface: dispatches to one module per subcommand (server/cli/*.ts).
// Exit codes: 0 success / all passed, 1 an expectation or check failed, 2 an error, 130 / 143 interrupted
// by SIGINT / SIGTERM (server/cli/interrupt.ts).
import { commands } from './cli/commands';
import { installInterruptHandlers } from './cli/interrupt';
import { loadCliWorkspaceSolvers } from './workspace-solvers/cli';

const VERSION = '0.1.0';

function usage(): string {
  const lines = [
    `theorylab ${VERSION} — run Theory Lab experiment specs, derivations, CLEVR programs and G2L2 grammars`,
    '',
    'Usage: theorylab <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.usage.padEnd(60)} ${c.summary}`),
    '',
    'Options:',
    '  --help       show this help (or `theorylab <command> --help`)',
    '  --version    print the version',
  ];
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(usage());
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(VERSION);
    return 0;
  }
  // Two-word commands (`clevr eval`, `g2l2 parse`) are matched first.
  const cmd = commands.find((c) => c.name === `${argv[0]} ${argv[1]}`) ?? commands.find((c) => c.name === argv[0]);
  if (!cmd) {
    console.error(`theorylab: unknown command '${argv[0]}'\n\n${usage()}`);
    return 2;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: theorylab ${cmd.usage}\n\n${cmd.help ?? cmd.summary}`);
    return 0;
  }
  try {
    // the workspace's own solvers (`*.solver.toml`) next to the built-ins: server/workspace-solvers/cli.ts
    if (['run', 'check', 'solve', 'task'].includes(cmd.name)) loadCliWorkspaceSolvers(rest, undefined, cmd.name === 'solve' ? rest[0] : undefined);
    return await cmd.run(rest);
  } catch (e) {
    console.error(`theorylab ${cmd.name}: ${(e as Error)?.message ?? e}`);
    return 2;
  }
}

export function runCli(): void {
  // Ctrl-C / SIGTERM cancel the run and exit 130 / 143 instead of leaving solvers behind
  installInterruptHandlers();
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(e?.stack ?? e);
    process.exitCode = 2;
  });
}

if (require.main === module) runCli();
