// The CLI's side of workspace solvers: `theorylab run/check/solve/task` find the manifests of the
// workspace the file belongs to and register them in this process (trusted: the user ran the command).
// The workspace is THEORYLAB_WORKSPACE when set (Slurm tasks inherit it), else the CLI's workspace
// root (cliWorkspaceRoot: the first file argument's folder or its nearest ancestor with .git or
// package.json; the current directory's without a file), the same root the CLI confines paths to and
// keeps its cache in. The interpreter: THEORYLAB_PYTHON, else the workspace's .venv, else python3.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { cliWorkspaceRoot } from '../workspace/confine';
import { SYNC_FILE_ENV, SYNC_OWNER_ENV, writeSyncFile } from './hostSync';
import { choosePython, findManifests, InterpreterChoice, loadManifests, readFileOrUndefined, registerWorkspace } from './registry';

export function workspaceRootsFor(argv: string[], cwd = process.cwd()): string[] {
  const env = process.env.THEORYLAB_WORKSPACE;
  if (env) return env.split(path.delimiter).filter(Boolean);
  const file = argv.find((a) => !a.startsWith('-') && /\.(tlab|clevr)$/.test(a) && fs.existsSync(path.resolve(cwd, a)));
  return [cliWorkspaceRoot(file, cwd)];
}

/**
 * Registers the workspace's solvers; manifest problems are printed (file:line) and those solvers skipped.
 * `solveId`: the solver of `theorylab solve ID` (only its interpreter is named).
 */
export function loadCliWorkspaceSolvers(argv: string[], report: (l: string) => void = (l) => process.stderr.write(`${l}\n`), solveId?: string): number {
  const roots = workspaceRootsFor(argv);
  const loaded = loadManifests(findManifests(roots), readFileOrUndefined);
  for (const [file, diags] of loaded.diagnostics) {
    for (const d of diags) report(`${path.relative(process.cwd(), file)}:${d.line + 1}: ${d.severity}: ${d.message}`);
  }
  if (!loaded.decls.length) return 0;
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const choices = new Map<string, InterpreterChoice>();
  // the interpreter is named for the solvers the file calls (all of them with --verbose), not for
  // every manifest of the workspace
  // (`theorylab solve ID`: only for ID)
  const verbose = argv.includes('--verbose');
  const fileArg = argv.find((a) => !a.startsWith('-') && /\.(tlab|clevr)$/.test(a));
  const text = verbose || !fileArg ? undefined : (readFileOrUndefined(path.resolve(fileArg)) ?? '');
  const mentioned = (id: string) => verbose || (solveId !== undefined ? id === solveId : text === undefined || text.includes(id));
  registerWorkspace(loaded.decls, (d) => {
    const root = roots.find((r) => !path.relative(r, d.manifest).startsWith('..'));
    const python = choosePython(root, process.env.THEORYLAB_PYTHON, 'THEORYLAB_PYTHON');
    if (d.language === 'python' && mentioned(d.id)) report(`theorylab: workspace solver ${d.id}: Python ${python.path} (${python.why})`);
    choices.set(d.id, python);
    return { trusted: true, python, log };
  });
  // `theorylab solve` runs in a forked solver host: it learns the declarations as under the editor
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-wsolvers-cli-'));
  const file = path.join(dir, 'workspace-solvers.json');
  writeSyncFile(file, { trusted: true, entries: loaded.decls.map((decl) => ({ decl, python: choices.get(decl.id)! })) });
  process.env[SYNC_FILE_ENV] = file;
  process.env[SYNC_OWNER_ENV] = String(process.pid);
  process.on('exit', () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ } });
  // array tasks submitted by this command read the same workspace on the node
  process.env.THEORYLAB_WORKSPACE = roots.join(path.delimiter);
  return loaded.decls.length;
}
