import * as tf from '@tensorflow/tfjs';
import { ValueRangeError } from '../tensor/guards';
import { fromLayers, Net } from './net';

export interface FcnnOptions {
  /** Number of Linear layers k: k − 1 hidden layers of `width` units (or `widths`), then a final Linear → 10. */
  layers: number;
  width?: number;
  /**
   * Hidden widths, one per hidden layer (layers − 1 of them), e.g. [512, 256, 128, 64, 32] for a
   * narrowing FCNN-6; overrides `width`. A Linear layer whose output is narrower than its input has
   * a null space, which BACKPASSINV samples (and can use to keep preimages in SELU⁻¹'s domain).
   */
  widths?: number[];
  activation: 'selu' | 'leakyRelu';
  /** LeakyReLU slope for x < 0 (default 0.01, PyTorch's default). */
  alpha?: number;
  seed: number;
}

/**
 * Fully connected classifier on flattened 28×28 images (paper 001: FCNN-k). "Each Linear layer was
 * followed by an SELU", so the activation also follows the last Linear; its output is the logits.
 * SELU layers use LeCun-normal weights (the self-normalising init), LeakyReLU layers He-normal.
 */
export function createFcnn(o: FcnnOptions): Net {
  const width = o.width ?? 784;
  if (!Number.isInteger(o.layers) || o.layers < 1) {
    throw new ValueRangeError(`createFcnn: layers=${o.layers} must be an integer ≥ 1 (e.g. 1, 2 or 6).`);
  }
  if (!Number.isInteger(width) || width < 1) {
    throw new ValueRangeError(`createFcnn: width=${width} must be a positive integer (default 784).`);
  }
  const widths = o.widths ?? Array.from({ length: Math.max(0, o.layers - 1) }, () => width);
  if (o.widths !== undefined) {
    if (!Array.isArray(o.widths) || o.widths.length !== o.layers - 1) {
      throw new ValueRangeError(`createFcnn: widths=[${o.widths}] has ${Array.isArray(o.widths) ? o.widths.length : 'no'} entries; give layers − 1 = ${o.layers - 1} hidden widths (or use width).`);
    }
    o.widths.forEach((w, i) => {
      if (!Number.isInteger(w) || w < 1) throw new ValueRangeError(`createFcnn: widths[${i}]=${w} must be a positive integer.`);
    });
  }
  if (o.activation !== 'selu' && o.activation !== 'leakyRelu') {
    throw new ValueRangeError(`createFcnn: activation='${o.activation}' is not 'selu' or 'leakyRelu'.`);
  }
  const alpha = o.alpha ?? 0.01;
  const input = tf.input({ shape: [28, 28, 1] });
  let h = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  for (let i = 0; i < o.layers; i++) {
    const units = i === o.layers - 1 ? 10 : widths[i];
    const seed = o.seed * 1000 + i;
    const kernelInitializer = o.activation === 'selu'
      ? tf.initializers.leCunNormal({ seed })
      : tf.initializers.heNormal({ seed });
    h = tf.layers.dense({
      units,
      activation: o.activation === 'selu' ? 'selu' : 'linear',
      kernelInitializer,
      biasInitializer: 'zeros',
    }).apply(h) as tf.SymbolicTensor;
    if (o.activation === 'leakyRelu') h = tf.layers.leakyReLU({ alpha }).apply(h) as tf.SymbolicTensor;
  }
  const model = tf.model({ inputs: input, outputs: h, name: `fcnn${o.layers}_${o.activation}` });
  return fromLayers(model, `FCNN-${o.layers} (${o.activation})`);
}
