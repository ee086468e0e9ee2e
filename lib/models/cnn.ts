import * as tf from '@tensorflow/tfjs';
import { fromLayers, Net } from './net';

export interface CnnOptions {
  seed: number;
  /** Filters of the two conv layers (default 32, 64) and units of the hidden dense layer (128). */
  filters?: [number, number];
  hidden?: number;
}

/**
 * The inversion CNN: conv32(3×3, ReLU) – maxpool 2 – conv64(3×3, ReLU) – maxpool 2 – dense128(ReLU) –
 * dense10 (logits). 'valid' convs: 28 → 26 → 13 → 11 → 5, so the flattened features are 5·5·64.
 */
export function createCnn(o: CnnOptions): Net {
  return fromLayers(tf.sequential({ name: 'inversion_cnn', layers: cnnLayers(o, 10) }), 'CNN');
}

/** The inversion CNN's layer stack with `outputs` linear units on top (10 logits, or a D-dim embedding). */
export function cnnLayers(o: CnnOptions, outputs: number): tf.layers.Layer[] {
  const [f1, f2] = o.filters ?? [32, 64];
  const hidden = o.hidden ?? 128;
  const init = (i: number) => tf.initializers.glorotUniform({ seed: o.seed * 1000 + i });
  return [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: f1, kernelSize: 3, activation: 'relu', kernelInitializer: init(0) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: f2, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: hidden, activation: 'relu', kernelInitializer: init(2) }),
    tf.layers.dense({ units: outputs, kernelInitializer: init(3) }),
  ];
}
