/**
 * Child processes the runner must be able to end. nbconvert starts in its own process group
 * (`detached`), but jupyter_client starts the tslab kernel in a new session of its own
 * (`start_new_session`), and playwright starts Chromium (plots) in yet another: killing nbconvert's
 * group alone leaves the kernel running to the end. So we end the whole tree: the descendants are
 * read from /proc before anything is signalled (once nbconvert dies its kernel is re-parented and no
 * longer findable), every process group among them gets SIGTERM, and whatever still lives after a
 * grace period gets SIGKILL.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
}

/** Every process in /proc, from its stat line ("pid (comm) state ppid pgrp …"; comm may hold spaces). */
function processTable(): Proc[] {
  const out: Proc[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(d), ppid: Number(f[1]), pgid: Number(f[2]) });
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

/** pid and all its descendants, with their process groups. */
export function processTree(pid: number): Proc[] {
  const table = processTable();
  const tree = table.filter((p) => p.pid === pid);
  for (let i = 0; i < tree.length; i++) tree.push(...table.filter((p) => p.ppid === tree[i].pid));
  return tree;
}

/** Processes whose command line contains `text` (e.g. the temp copy an nbconvert executes). */
export function processesMentioning(text: string): number[] {
  return processTable()
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const signal = (target: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(target, sig);
  } catch {
    // already gone
  }
};

const ownGroup = processTable().find((p) => p.pid === process.pid)?.pgid;

/** Signal every process of the tree and every process group it spans (never the runner's own group). */
function signalTree(tree: Proc[], sig: NodeJS.Signals): void {
  for (const g of new Set(tree.map((p) => p.pgid))) if (g !== ownGroup && g > 1) signal(-g, sig);
  for (const p of tree) signal(p.pid, sig);
}

/** End pid's whole tree: SIGTERM, then SIGKILL for what is left after `graceMs`. Resolves when all are gone. */
export async function endTree(pid: number, graceMs = 3000): Promise<void> {
  let tree = processTree(pid);
  signalTree(tree, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (tree.some((p) => isAlive(p.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  tree = tree.filter((p) => isAlive(p.pid)).flatMap((p) => processTree(p.pid));
  signalTree(tree, 'SIGKILL');
}

/** The same, at once and synchronously: for process 'exit', where nothing asynchronous runs. */
export const killTreeNow = (pid: number): void => signalTree(processTree(pid), 'SIGKILL');

const running = new Set<number>();
/** The pids of the nbconvert processes running now. */
export const runningChildren = (): number[] => [...running];

/** nbconvert as a child in its own process group; resolves with its exit status and the tail of its stderr. */
export function nbconvert(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ status: number | string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('jupyter', ['nbconvert', ...args], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    if (p.pid !== undefined) running.add(p.pid);
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20000);
    });
    p.on('error', (e) => resolve({ status: `spawn error ${e.message}`, stderr }));
    p.on('close', (code, sig) => {
      if (p.pid !== undefined) running.delete(p.pid);
      resolve({ status: code ?? sig ?? 'unknown', stderr });
    });
  });
}
