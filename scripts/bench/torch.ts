/** The PyTorch column: scripts/bench_torch.py (Debian's python3-torch) runs the same rows, two threads. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { QUICK } from './options';

export const TORCH_NOTE = 'PyTorch (Debian python3-torch) with torch.set_num_threads(2), OPENBLAS_NUM_THREADS=1, same models and loops';
export const NO_TORCH_NOTE = 'python3-torch not installed: no PyTorch column';

export function torchAvailable(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Rates of the given row keys (rows it has no twin for are absent). */
export function runTorch(keys: string[]): { rows: Record<string, number>; perCpuSecond: Record<string, number> } {
  const out = execFileSync('/usr/bin/python3', [path.join(__dirname, '..', 'bench_torch.py'), '--threads', '2', ...(QUICK ? ['--quick'] : []), '--rows', keys.join(',')], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() as string);
}
