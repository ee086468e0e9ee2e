import * as tf from '@tensorflow/tfjs';
import { cnnLayers } from '../cnn';
import { fromLayers, Net } from '../net';
import { ValueRangeError } from '../../tensor/guards';

export interface EmbeddingCnnOptions {
  /** Output dimension D (the prototypes' space). */
  dims: number;
  seed: number;
  /** Filters of the two conv layers (default 32, 64) and units of the hidden dense layer (128), as createCnn. */
  filters?: [number, number];
  hidden?: number;
  /** Maps the linear output (e.g. expmap₀ into the Poincaré ball); identity when absent. */
  head?: (v: tf.Tensor) => tf.Tensor;
  name?: string;
}

/**
 * The inversion CNN's layers (lib/models/cnn.ts: conv32 – pool – conv64 – pool – dense128 by default) with a
 * D-dimensional linear output instead of 10 logits: prototype networks map an image to a point
 * that is compared with the class prototypes, so the layers the inverter back-propagates through
 * match the plain classifier's.
 */
export function createEmbeddingCnn(o: EmbeddingCnnOptions): Net {
  if (!(Number.isInteger(o.dims) && o.dims >= 2)) throw new ValueRangeError(`embedding dims ${o.dims} must be an integer ≥ 2; use 2, 3 or 5.`);
  const model = tf.sequential({ name: `embedding_cnn_${o.dims}d`, layers: cnnLayers(o, o.dims) });
  const base = fromLayers(model, o.name ?? `embedding CNN ${o.dims}D`);
  if (!o.head) return base;
  const head = o.head;
  return { ...base, apply: (x, training) => tf.tidy(() => head(base.apply(x, training))) };
}
