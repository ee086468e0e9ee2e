import { QUICK } from './options';

/** Steps per second of this process's CPU time, one entry per rate() call (measure() pops it). */
export const cpuRates: number[] = [];

/**
 * Steps per second of `step`: after `warmup` steps, the time box is split into 3 windows and the best
 * window counts (the least disturbed by other processes on a shared machine; bench_torch.py does the
 * same). Each window runs at least minSteps steps. Also records the rate per second of this process's
 * CPU time (wasm and cpu run on one thread, so on a busy machine that is the rate an idle one would
 * give, up to cache effects).
 */
export function rate(step: () => void, o: { warmup: number; seconds: number; minSteps: number; maxSteps?: number }): number {
  // Slow steps (the cpu backend, ViT training): one warm-up step and one step per window suffice.
  const w0 = performance.now();
  step();
  const slow = performance.now() - w0 > (o.seconds / 6) * 1000;
  for (let i = 1; i < (slow ? 1 : o.warmup); i++) step();
  const minSteps = slow ? 1 : o.minSteps;
  let best = 0;
  let bestCpu = 0;
  for (let w = 0; w < 3; w++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let n = 0;
    while (n < minSteps || (performance.now() - t0 < (o.seconds / 3) * 1000 && n < (o.maxSteps ?? Infinity))) {
      step();
      n++;
    }
    const c = process.cpuUsage(c0);
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
    bestCpu = Math.max(bestCpu, n / ((c.user + c.system) / 1e6));
  }
  cpuRates.push(bestCpu);
  return best;
}

/** The time box of a row on a backend (--quick halves it). */
export function boxes(backend: string, kind: 'train' | 'infer' | 'loop') {
  const s = QUICK ? 0.5 : 1;
  if (backend === 'cpu') return { warmup: 1, seconds: 6 * s, minSteps: 1, maxSteps: 100 };
  return { warmup: kind === 'train' ? 3 : 2, seconds: 6 * s, minSteps: 2 };
}
