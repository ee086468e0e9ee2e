import * as tf from '@tensorflow/tfjs';
import { BackendInfo, backendBanner, initBackend } from './backend/select';
import { guardKernel } from './kernel-guard';
import { display, inNotebook } from './plot/display';
import { warmPlotly } from './plot/plotly';
import { Profile } from './profile';
import { profile, seed as seedFromEnv } from './profile';
import { setRunContext } from './run-context';

/**
 * A notebook's setup cell: backend, profile and seed, printed as one banner, and the context its
 * figures are stamped with. Safe to run again in a live kernel (the backend is chosen once).
 */
export async function startNotebook(notebook: string, opts: { seed?: number } = {}): Promise<BackendInfo & { profile: Profile; seed: number }> {
  if (inNotebook()) {
    guardKernel();
    warmPlotly(); // Chromium starts on the idle core while the backend loads; the first chart finds it ready
  }
  const info = await initBackend();
  const s = opts.seed ?? seedFromEnv();
  const c = setRunContext({ notebook, profile: profile(), seed: s, backend: info.name });
  const banner = `${backendBanner(info)} Profile: ${c.profile} (MNIST_LAB_PROFILE=paper for the paper's settings). Seed: ${s}.`;
  const d = display();
  if (d) d.text(banner);
  else console.log(banner);
  return { ...info, profile: c.profile, seed: s };
}

const kept = new Map<string, unknown>();

function release(v: unknown): void {
  if (v && typeof (v as { dispose?: unknown }).dispose === 'function') (v as { dispose(): void }).dispose();
  else if (v && typeof v === 'object') tf.dispose(v as tf.TensorContainer);
}

/**
 * `const net = keep('classifier', () => createCnn(...))`: makes the value and disposes the one an
 * earlier run of the same cell made, so re-running cells (or the whole notebook) in a live kernel
 * does not pile up tensors. Objects with dispose() are disposed; tensors inside plain objects too.
 */
export function keep<T>(name: string, make: () => T): T {
  if (kept.has(name)) release(kept.get(name));
  const v = make();
  kept.set(name, v);
  return v;
}

/** Tensors alive now: a notebook prints this at its end to show re-runs do not leak. */
export const liveTensors = (): number => tf.memory().numTensors;
