import * as tf from '@tensorflow/tfjs';
import { assertShape, ValueRangeError } from '../../tensor/guards';
import { batchNorm, batchNormParams, BatchStats } from './batch-norm';
import { ganLatent, generatorMethods } from './gan-generator';
import { createConvGan } from './gan-conv';
import type { Gan, GanOptions } from './gan-types';
import { dense, pairedParams, Params } from './params';

export type { Gan, GanOptions } from './gan-types';

/**
 * An MLP GAN (Goodfellow et al.; paper 002 §3.2.2): generator z → ReLU layers → tanh image,
 * discriminator image → LeakyReLU(0.2) layers → one logit; `architecture: 'conv'` gives the conv
 * pair of gan-conv.ts behind the same interface.
 */
export function createGan(o: GanOptions): Gan {
  if (o.architecture === 'conv') return createConvGan(o);
  if (o.architecture !== undefined && o.architecture !== 'mlp') throw new ValueRangeError(`GAN architecture "${o.architecture as string}" is unknown; use "mlp" or "conv".`);
  const latent = ganLatent(o);
  const hidden = o.hidden ?? [256, 512];
  if (hidden.length === 0 || hidden.some((h) => !(Number.isInteger(h) && h >= 1))) throw new ValueRangeError(`GAN hidden widths [${hidden}] must be positive integers, at least one.`);
  const g = new Params('gan-g', o.seed);
  const d = new Params('gan-d', o.seed + 1);
  const act = o.activation ?? 'relu';
  if (act !== 'relu' && act !== 'leakyRelu') throw new ValueRangeError(`GAN activation "${act as string}" is unknown; use "relu" or "leakyRelu".`);
  const gWidths = [latent, ...hidden, 784];
  const gLayers = gWidths.slice(1).map((w, i) => g.dense(gWidths[i], w, i === hidden.length ? 1 : 2));
  // γ, β (trained) and the running mean / variance (state) of each hidden layer.
  const norms = o.batchNorm ? hidden.map((w) => batchNormParams(g, w)) : [];
  /** The generator's hidden activations layer by layer, then the image; `stats` collects batch moments. */
  const forward = (z: tf.Tensor, training: boolean, stats?: BatchStats[]): tf.Tensor4D => {
    let h: tf.Tensor = z;
    gLayers.forEach((l, i) => {
      h = dense(h, l);
      if (i === gLayers.length - 1) return;
      if (norms[i]) h = batchNorm(h, norms[i], [0], training, stats);
      h = act === 'relu' ? tf.relu(h) : tf.leakyRelu(h, 0.2);
    });
    return tf.reshape(tf.mul(tf.add(tf.tanh(h), 1), 0.5), [-1, 28, 28, 1]) as tf.Tensor4D;
  };
  const dWidths = [784, ...[...hidden].reverse(), 1];
  const dLayers = dWidths.slice(1).map((w, i) => d.dense(dWidths[i], w, i === hidden.length ? 1 : 2));
  return {
    name: `GAN (latent ${latent}, MLP ${hidden.join('-')}${o.batchNorm ? ', batch norm' : ''})`,
    ...generatorMethods(latent, forward, norms.length > 0),
    initOutputBias(meanImage) {
      if (meanImage.size !== 784) throw new ValueRangeError(`GAN output bias: the mean image has ${meanImage.size} values, 784 are needed.`);
      tf.tidy(() => {
        const p = tf.clipByValue(tf.reshape(meanImage, [784]), 0.01, 0.99);
        const y = tf.sub(tf.mul(p, 2), 1);
        gLayers[gLayers.length - 1].b.assign(tf.mul(tf.log(tf.div(tf.add(1, y), tf.sub(1, y))), 0.5)); // atanh
      });
    },
    discriminate(x) {
      assertShape(x, [null, 28, 28, 1], 'GAN discriminator input');
      return tf.tidy(() => {
        let h: tf.Tensor = tf.sub(tf.mul(tf.reshape(x, [-1, 784]), 2), 1);
        dLayers.forEach((l, i) => {
          h = dense(h, l);
          if (i < dLayers.length - 1) h = tf.leakyRelu(h, 0.2);
        });
        return tf.reshape(h, [-1]) as tf.Tensor1D;
      });
    },
    ...pairedParams(g, d),
  };
}

/** Binary cross-entropy of logits against a constant label (1 real, 0 fake), in the stable logit form. */
const bce = (logits: tf.Tensor1D, label: 0 | 1): tf.Scalar => tf.losses.sigmoidCrossEntropy(label === 1 ? tf.onesLike(logits) : tf.zerosLike(logits), logits) as tf.Scalar;

/** Eqs. 27–29: C_D = ½ (C_real + C_fake), with −log D(x) and −log(1 − D(G(z))). */
export function discriminatorLoss(gan: Gan, real: tf.Tensor, z: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.add(bce(gan.discriminate(real), 1), bce(gan.discriminate(gan.generate(z, true)), 0)), 0.5) as tf.Scalar);
}

/** Eq. 30 (the non-saturating generator loss): C_G = −mean log D(G(z)). */
export function generatorLoss(gan: Gan, z: tf.Tensor): tf.Scalar {
  return tf.tidy(() => bce(gan.discriminate(gan.generate(z, true)), 1));
}

/** n samples from a fixed seed (the same z every call with the same seed). */
export function sampleGan(gan: Gan, n: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => gan.generate(tf.randomNormal([n, gan.latent], 0, 1, 'float32', seed)));
}
