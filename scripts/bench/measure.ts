import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installLazyFusedGradients } from '../../lib/backend/lazy-gradients';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { TimeNet } from '../../lib/models/generative/unet';
import { Net } from '../../lib/models/net';
import { lmRate } from './levenberg-marquardt';
import { benchModels } from './models';
import { CPU_TRAIN_BATCH, INFER_BATCH, TRAIN_BATCH } from './options';
import { parallelInferRate, parallelInversionRate, parallelTrainRate } from './parallel-rows';
import { cpuRates } from './rate';
import { inferRate, inversionRate, trainRate, unetInferRate, unetTrainRate } from './rows';

/** One row on one column: its wall-clock rate, its rate per CPU second, notes for the table. */
export interface Measured { value: number | null; perCpuSecond: number | null; notes: string[] }

/**
 * One row (`m1.train`, `invert`, `lm`, …) on one backend (`wasm`, `cpu`, `tensorflow`, or `wasm2` for
 * two threads), in this process: what a `--measure=backend:row` child prints.
 */
export async function measure(backend: string, key: string): Promise<Measured> {
  await tf.setBackend(backend === 'wasm2' ? 'wasm' : backend);
  await tf.ready();
  registerWasmTrainingKernels();
  installLazyFusedGradients();
  const [mk, kind] = key.split('.');
  const model = benchModels().find((m) => m.key === mk);
  const notes: string[] = [];
  let v: number;
  if (backend === 'wasm2') {
    // Rows without a data-parallel form: the UNet (two inputs) and LM (one image; splitting its
    // Jacobian's 10 copies over two threads measured 520–540 it/s against 535–690 on one) stay single-threaded.
    if (key === 'invert') v = await parallelInversionRate();
    else if (model?.build && kind === 'train') v = await parallelTrainRate(model.make as () => Net, model.build);
    else if (model?.build) v = await parallelInferRate(model.make as () => Net, model.build);
    else return { value: null, perCpuSecond: null, notes };
  } else if (key === 'invert') v = inversionRate(backend);
  else if (key === 'lm') v = lmRate(backend);
  else if (mk === 'unet' && kind === 'train') v = unetTrainRate(backend, model!.make as () => TimeNet);
  else if (mk === 'unet') v = unetInferRate(backend, model!.make as () => TimeNet, INFER_BATCH);
  else if (kind === 'train') v = trainRate(backend, model!.make as () => Net);
  else v = inferRate(backend, model!.make as () => Net, backend === 'cpu' && mk === 'vit' ? 16 : INFER_BATCH);
  // Training rows scale by images per step like v; the rate() call pushed steps per CPU second.
  const perStep = kind === 'train' ? (backend === 'cpu' ? CPU_TRAIN_BATCH : TRAIN_BATCH) : kind === 'infer' ? (backend === 'cpu' && mk === 'vit' ? 16 : INFER_BATCH) : 1;
  if (backend === 'cpu' && kind === 'train') notes.push(`cpu: batch ${CPU_TRAIN_BATCH}`);
  if (backend === 'cpu' && kind === 'infer' && mk === 'vit') notes.push('cpu: batch 16');
  // (Process CPU time counts both threads for wasm×2.)
  return { value: v, perCpuSecond: (cpuRates.pop() ?? 0) * perStep, notes };
}
