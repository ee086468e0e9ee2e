import * as tf from '@tensorflow/tfjs';
import { createFcnn } from '../../lib/models/fcnn';
import { ce, randomBatch } from './rows';

/**
 * M1 trained for `steps` steps on wasm and on cpu from the same seed and batches: final losses. Adam 1e-4:
 * at 1e-3 M1's final SELU saturates (every logit at −λα, loss ln 10) within ~120 steps on random
 * labels, and two collapsed runs agreeing says little.
 */
export async function agreement(steps: number, batch: number): Promise<{ wasm: number; cpu: number; relDiff: number; steps: number; batch: number }> {
  const final: Record<string, number> = {};
  for (const b of ['wasm', 'cpu']) {
    await tf.setBackend(b);
    const net = createFcnn({ layers: 2, activation: 'selu', seed: 11 });
    const opt = tf.train.adam(1e-4);
    let last = 0;
    const trace: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const { x, y } = randomBatch(batch, 1000 + (i % 20)); // 20 fixed batches, visited in order
      const l = tf.tidy(() => opt.minimize(() => ce(y, net.apply(x, true)), true, net.trainableVars()) as tf.Scalar);
      last = l.dataSync()[0];
      if (i % 40 === 0) trace.push(last.toFixed(4));
      tf.dispose([l, x, y]);
    }
    final[b] = last;
    process.stderr.write(`agreement on ${tf.getBackend()}: losses ${trace.join(' ')} … ${last} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    opt.dispose();
    net.dispose();
  }
  return { wasm: final.wasm, cpu: final.cpu, relDiff: Math.abs(final.wasm - final.cpu) / final.cpu, steps, batch };
}
