// One Slurm array task: read the task file, run the solve in this process, write the result JSON
// atomically (write to a temporary name, then rename), or an error report the submitter can show.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InProcessRunner, SolveRequest } from '../engine/runner';

export async function runTaskFile(taskFile: string, resultsDir: string): Promise<number> {
  const task = JSON.parse(fs.readFileSync(taskFile, 'utf8')) as { key: string; request: SolveRequest };
  const write = (name: string, value: unknown) => {
    const tmp = path.join(resultsDir, `.${name}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, path.join(resultsDir, name));
  };
  try {
    const result = await new InProcessRunner().solve(task.request);
    write(`${task.key}.json`, result);
    console.log(`theorylab task ${task.key}: ${task.request.solver} done in ${result.seconds.toFixed(3)} s`);
    return 0;
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    write(`${task.key}.error.json`, { message, solver: task.request.solver, params: task.request.params });
    console.error(`theorylab task ${task.key}: ${task.request.solver} failed: ${message}`);
    return 1;
  }
}
