// The process groups a process's children lead, and killing them. Workspace solver processes are
// started `detached` (their own process group, so a time limit can end the solver and everything it
// forked in one signal). The flip side: a terminal's Ctrl-C and the death of their parent do not reach
// them. Every exit path of their parent (the solver host orphaned or signalled, HostRunner killing the
// host, the CLI interrupted) therefore kills these groups itself, synchronously, before it goes: it
// may be about to SIGKILL itself, when no 'exit' handler runs. Read from /proc on Linux, `ps` elsewhere.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** pid, parent pid and process group of every process (empty when neither /proc nor ps answers). */
function processTable(): { pid: number; ppid: number; pgid: number }[] {
  if (process.platform === 'linux') {
    const out: { pid: number; ppid: number; pgid: number }[] = [];
    let names: string[];
    try { names = fs.readdirSync('/proc'); } catch { names = []; }
    for (const n of names) {
      if (!/^\d+$/.test(n)) continue;
      try {
        // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'
        const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.push({ pid: Number(n), ppid: Number(f[1]), pgid: Number(f[2]) });
      } catch { /* exited while we looked */ }
    }
    if (out.length) return out;
  }
  try {
    const text = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { encoding: 'utf8', timeout: 2000 });
    return text.split('\n').map((l) => l.trim().split(/\s+/).map(Number)).filter((r) => r.length === 3 && r.every(Number.isFinite))
      .map(([pid, ppid, pgid]) => ({ pid, ppid, pgid }));
  } catch { return []; }
}

/** Children of `parent` that lead their own process group (the detached ones), by pid = pgid. */
export function childGroupLeaders(parent: number = process.pid): number[] {
  return processTable().filter((p) => p.ppid === parent && p.pgid === p.pid && p.pid !== parent).map((p) => p.pid);
}

/**
 * Sends `signal` to every process group led by a child of `parent`; returns how many were signalled.
 * A child that shares its parent's group (the solver host of a CLI) is left alone: signalling that
 * group would signal the caller too.
 */
export function killChildGroups(parent: number = process.pid, signal: NodeJS.Signals = 'SIGKILL'): number {
  let n = 0;
  for (const pgid of childGroupLeaders(parent)) {
    try { process.kill(-pgid, signal); n++; } catch { /* gone meanwhile */ }
  }
  return n;
}
