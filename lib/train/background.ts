import * as tf from '@tensorflow/tfjs';
import * as os from 'os';
import { Worker } from 'worker_threads';
import { fromRoot } from '../paths';
import { envThreads } from '../settings';

/**
 * Train models on the second core while the notebook goes on. tfjs-wasm computes on one thread in
 * Node, so a notebook alone leaves one of the two cores idle; a background job runs a lib function in
 * a worker thread (its own tfjs and wasm instance) that trains a model through the lab's cached
 * trainers. The weights land in the model cache, and when the notebook reaches the cell that trains
 * the same model with the same configuration, the trainer finds them there (a cache hit) instead of
 * training. So a job is only ever a head start: if no worker may run, the job fails, or it is
 * skipped, the cell trains the model itself with identical results (same seeds, same kernels).
 *
 * Jobs are lib functions taking plain JSON arguments (see e.g. lib/models/invertible/jobs.ts); the
 * notebook starts them early and awaits `ready()` before the cell that needs them.
 */
export interface BackgroundJob {
  /** A lib module, relative to lib/ without extension, e.g. 'models/invertible/jobs'. */
  module: string;
  /** The exported async function to call with `args`. */
  fn: string;
  args: unknown;
  /** Shown in the summary. */
  label: string;
}

export interface Background {
  /**
   * Resolves when the job with this label (or, without one, every job) has finished or failed, or
   * the worker has stopped. Never rejects: a failed job's model is trained by its cell.
   */
  ready(label?: string): Promise<BackgroundSummary>;
  /** Stop the worker (pending jobs are then trained by the cells themselves). */
  dispose(): Promise<void>;
}

export interface BackgroundSummary {
  /** false when no worker ran (one core, or MNIST_LAB_THREADS=1). */
  ran: boolean;
  done: string[];
  failed: { label: string; error: string }[];
  /** Wall seconds from start to the last job's end. */
  seconds: number;
  /** One line for the notebook. */
  text: string;
}

/**
 * Threads the lab may use: MNIST_LAB_THREADS (a positive integer), else the CPU cores. The notebook
 * runner sets it to cores ÷ notebooks running at once, so two notebooks in parallel do not each start
 * a worker.
 */
export function labThreads(): number {
  return envThreads() ?? os.cpus().length; // a bad value (0, -1, abc, 1.5) throws, naming the variable
}

// The worker registers tsx's loader, then runs the jobs one after the other, reporting each.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
require('tsx/cjs');
const path = require('path');
(async () => {
  for (const job of workerData.jobs) {
    try {
      const mod = require(path.join(workerData.lib, job.module));
      if (typeof mod[job.fn] !== 'function') throw new Error(job.module + ' has no function ' + job.fn);
      await mod[job.fn](job.args);
      parentPort.postMessage({ label: job.label, ok: true });
    } catch (e) {
      parentPort.postMessage({ label: job.label, ok: false, error: String((e && e.stack) || e) });
    }
  }
})();
`;

/** Start `jobs` in one worker thread (in order), if a second thread is allowed. */
export function startBackground(jobs: BackgroundJob[]): Background {
  const t0 = Date.now();
  const done: string[] = [];
  const failed: { label: string; error: string }[] = [];
  // tfjs-node already computes on every core (and its addon does not load in worker threads).
  const off = tf.getBackend() === 'tensorflow' ? 'the tensorflow backend uses every core itself' : labThreads() < 2 ? 'one thread allowed' : jobs.length === 0 ? 'no jobs' : null;
  const summary = (): BackgroundSummary => {
    const seconds = (Date.now() - t0) / 1000;
    const text = off
      ? `background training off (${off}): every model trains in its own cell`
      : `background training on the second core: ${done.length} of ${jobs.length} jobs done in ${seconds.toFixed(0)} s` +
        (failed.length ? `; failed (retrained in their cells): ${failed.map((f) => `${f.label}: ${f.error.split('\n')[0]}`).join('; ')}` : '');
    return { ran: !off, done: [...done], failed: [...failed], seconds, text };
  };
  if (off) {
    const s = summary();
    return { ready: async () => s, dispose: async () => undefined };
  }
  // One promise per job, settled when its job reports or the worker ends.
  const settle = new Map<string, () => void>();
  const reported = new Map(jobs.map((j) => [j.label, new Promise<void>((r) => settle.set(j.label, r))]));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { lib: fromRoot('lib'), jobs },
    env: { ...process.env, MNIST_LAB_QUIET: '1' }, // no progress bars from the worker
    stdout: true, // its console output would land in whichever cell is running
    stderr: true,
  });
  worker.stdout.resume(); // drained, not shown: the jobs report through messages
  worker.stderr.resume();
  worker.unref(); // an unfinished job must not keep the kernel alive
  const finished = new Promise<BackgroundSummary>((resolve) => {
    const end = () => {
      settle.forEach((r) => r());
      resolve(summary()); // later calls are no-ops
    };
    worker.on('message', (m: { label: string; ok: boolean; error?: string }) => {
      if (m.ok) done.push(m.label);
      else failed.push({ label: m.label, error: m.error ?? 'unknown error' });
      settle.get(m.label)?.();
      if (done.length + failed.length === jobs.length) {
        end();
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      failed.push({ label: 'worker', error: String(e.stack ?? e) });
      end();
    });
    worker.on('exit', end);
  });
  return {
    ready: (label?: string) => {
      if (label === undefined) return finished;
      const job = reported.get(label);
      if (!job) throw new RangeError(`no background job is labelled "${label}"; have: ${jobs.map((j) => `"${j.label}"`).join(', ')}.`);
      return job.then(summary);
    },
    dispose: async () => void (await worker.terminate()),
  };
}
