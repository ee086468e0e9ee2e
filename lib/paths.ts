import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The project's root folder. Notebooks run with their own folder as cwd, tests and scripts with
 * the root: walk up to the package.json that names this project (MNIST_LAB_ROOT overrides).
 */
export function projectRoot(): string {
  if (process.env.MNIST_LAB_ROOT) return path.resolve(process.env.MNIST_LAB_ROOT);
  for (const start of [process.cwd(), __dirname]) {
    let dir = path.resolve(start);
    for (;;) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'mnist-inversion-lab') return dir;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error(`cannot find the mnist-inversion-lab folder above ${process.cwd()}; run from inside the project or set MNIST_LAB_ROOT.`);
}

export const fromRoot = (...parts: string[]): string => path.join(projectRoot(), ...parts);

/** Write a file so that a killed process leaves the old file or the new one, never half of one. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // pid + random: a background worker thread shares the notebook's pid, and Date.now() can repeat.
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

const sleepSync = (ms: number): void => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms) as unknown as void;

/**
 * Run a read-modify-write of `file` under a cross-process lock (notebooks run two at a time and
 * share figures/manifest.json and figures/leaderboard.csv). The lock is a directory: mkdir is atomic.
 * A lock older than `staleMs` is left over from a killed process and is taken over.
 */
export function withFileLock<T>(file: string, fn: () => T, staleMs = 30_000): T {
  const lock = `${file}.lock`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let waited = 0; ; waited += 20) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = (() => { try { return Date.now() - fs.statSync(lock).mtimeMs; } catch { return 0; } })();
      if (age > staleMs) fs.rmSync(lock, { recursive: true, force: true });
      else if (waited > 4 * staleMs) throw new Error(`${lock} has been held for ${waited} ms; if no notebook is running, delete it.`);
      sleepSync(20);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Set `key` in a JSON object file (keys kept sorted, so reruns diff cleanly), under the lock. */
export function updateJsonEntry(file: string, key: string, value: unknown): void {
  withFileLock(file, () => {
    const all: Record<string, unknown> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    all[key] = value;
    const sorted = Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]]));
    writeFileAtomic(file, JSON.stringify(sorted, null, 1) + '\n');
  });
}
