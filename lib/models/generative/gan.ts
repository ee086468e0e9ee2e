import * as tf from '@tensorflow/tfjs';
import { assertShape, ValueRangeError } from '../../tensor/guards';
import { createConvGan } from './gan-conv';
import { dense, pairedParams, Params } from './params';

export interface GanOptions {
  /** Latent size D_L (paper: 100). */
  latent?: number;
  /** Hidden widths of the generator; the discriminator mirrors them. */
  hidden?: number[];
  /** Activation of the generator's hidden layers: ReLU (default) or LeakyReLU(0.2). */
  activation?: 'relu' | 'leakyRelu';
  /**
   * Batch normalisation after every hidden layer of the generator (Ioffe & Szegedy; DCGAN's
   * generator has it): it speeds up GAN training several-fold. Training normalises with the batch
   * statistics and keeps running averages (momentum 0.9), which sampling uses. Default false.
   */
  batchNorm?: boolean;
  /** 'mlp' (default) or 'conv': a small DCGAN-style pair (gan-conv.ts), `hidden` = its two channel counts. */
  architecture?: 'mlp' | 'conv';
  seed: number;
}

/**
 * An MLP GAN (Goodfellow et al.; paper 002 §3.2.2): generator z → ReLU layers → tanh image,
 * discriminator image → LeakyReLU(0.2) layers → one logit. Images are [n,28,28,1] in [0,1] at the
 * interface; inside, the pair works in [−1,1] as the paper's tanh output implies.
 */
export interface Gan {
  readonly name: string;
  readonly latent: number;
  /**
   * G(z): z [n, latent] → images [n,28,28,1] in [0,1]. `training` (with batchNorm) normalises by
   * the batch's statistics instead of the running averages.
   */
  generate(z: tf.Tensor, training?: boolean): tf.Tensor4D;
  /**
   * Set G's output bias to atanh(2p − 1) for the data's pixel means p (clipped to [0.01, 0.99]), so
   * that G starts at the mean digit on a dark background instead of grey speckle (the GAN's analogue
   * of the RBM's visible-bias start, Hinton 2010 §8.1). `meanImage`: [784] or [28,28,1] in [0,1].
   */
  initOutputBias(meanImage: tf.Tensor): void;
  /** With batchNorm: move the running averages toward the statistics of G's layers on z (a no-op otherwise). */
  updateNormStats(z: tf.Tensor): void;
  /** D(x) as a logit [n] (σ(logit) = probability that x is real); x in [0,1]. */
  discriminate(x: tf.Tensor): tf.Tensor1D;
  generatorVars(): tf.Variable[];
  discriminatorVars(): tf.Variable[];
  /** Generator then discriminator weights (what a checkpoint stores). */
  getWeights(): tf.Tensor[];
  setWeights(w: tf.Tensor[]): void;
  dispose(): void;
}

export function createGan(o: GanOptions): Gan {
  if (o.architecture === 'conv') return createConvGan(o);
  if (o.architecture !== undefined && o.architecture !== 'mlp') throw new ValueRangeError(`GAN architecture "${o.architecture as string}" is unknown; use "mlp" or "conv".`);
  const latent = o.latent ?? 100;
  const hidden = o.hidden ?? [256, 512];
  if (!(Number.isInteger(latent) && latent >= 1)) throw new ValueRangeError(`GAN latent size ${latent} must be a positive integer (paper: 100).`);
  if (hidden.length === 0 || hidden.some((h) => !(Number.isInteger(h) && h >= 1))) throw new ValueRangeError(`GAN hidden widths [${hidden}] must be positive integers, at least one.`);
  const g = new Params('gan-g', o.seed);
  const d = new Params('gan-d', o.seed + 1);
  const act = o.activation ?? 'relu';
  if (act !== 'relu' && act !== 'leakyRelu') throw new ValueRangeError(`GAN activation "${act as string}" is unknown; use "relu" or "leakyRelu".`);
  const gWidths = [latent, ...hidden, 784];
  const gLayers = gWidths.slice(1).map((w, i) => g.dense(gWidths[i], w, i === hidden.length ? 1 : 2));
  // γ, β (trained) and the running mean / variance (state) of each hidden layer.
  const norms = o.batchNorm ? hidden.map((w) => ({ gamma: g.ones([w]), beta: g.zeros([w]), mean: g.state([w], 0), variance: g.state([w], 1) })) : [];
  const MOMENTUM = 0.9;
  const EPS = 1e-5;
  /** The generator's hidden activations layer by layer, then the image; `stats` collects batch moments. */
  const forward = (z: tf.Tensor, training: boolean, stats?: { mean: tf.Tensor; variance: tf.Tensor }[]): tf.Tensor4D => {
    let h: tf.Tensor = z;
    gLayers.forEach((l, i) => {
      h = dense(h, l);
      if (i === gLayers.length - 1) return;
      const bn = norms[i];
      if (bn) {
        const m = training ? tf.moments(h, 0) : { mean: bn.mean, variance: bn.variance };
        stats?.push(m);
        h = tf.add(tf.mul(tf.div(tf.sub(h, m.mean), tf.sqrt(tf.add(m.variance, EPS))), bn.gamma), bn.beta);
      }
      h = act === 'relu' ? tf.relu(h) : tf.leakyRelu(h, 0.2);
    });
    return tf.reshape(tf.mul(tf.add(tf.tanh(h), 1), 0.5), [-1, 28, 28, 1]) as tf.Tensor4D;
  };
  const dWidths = [784, ...[...hidden].reverse(), 1];
  const dLayers = dWidths.slice(1).map((w, i) => d.dense(dWidths[i], w, i === hidden.length ? 1 : 2));
  return {
    name: `GAN (latent ${latent}, MLP ${hidden.join('-')}${o.batchNorm ? ', batch norm' : ''})`,
    latent,
    generate(z, training = false) {
      assertShape(z, [null, latent], 'GAN latent code');
      return tf.tidy(() => forward(z, training));
    },
    initOutputBias(meanImage) {
      if (meanImage.size !== 784) throw new ValueRangeError(`GAN output bias: the mean image has ${meanImage.size} values, 784 are needed.`);
      tf.tidy(() => {
        const p = tf.clipByValue(tf.reshape(meanImage, [784]), 0.01, 0.99);
        const y = tf.sub(tf.mul(p, 2), 1);
        gLayers[gLayers.length - 1].b.assign(tf.mul(tf.log(tf.div(tf.add(1, y), tf.sub(1, y))), 0.5)); // atanh
      });
    },
    updateNormStats(z) {
      if (norms.length === 0) return;
      assertShape(z, [null, latent], 'GAN latent code');
      tf.tidy(() => {
        const stats: { mean: tf.Tensor; variance: tf.Tensor }[] = [];
        forward(z, true, stats);
        stats.forEach((s, i) => {
          norms[i].mean.assign(tf.add(tf.mul(norms[i].mean, MOMENTUM), tf.mul(s.mean, 1 - MOMENTUM)));
          norms[i].variance.assign(tf.add(tf.mul(norms[i].variance, MOMENTUM), tf.mul(s.variance, 1 - MOMENTUM)));
        });
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
