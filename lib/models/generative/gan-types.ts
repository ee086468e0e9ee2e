import * as tf from '@tensorflow/tfjs';

/**
 * The GAN interface both architectures implement (gan.ts: MLP, gan-conv.ts: conv). It lives apart
 * so that gan-conv.ts need not import gan.ts, which imports it.
 */
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
 * A GAN (Goodfellow et al.; paper 002 §3.2.2): generator z → tanh image, discriminator image → one
 * logit. Images are [n,28,28,1] in [0,1] at the interface; inside, the pair works in [−1,1] as the
 * paper's tanh output implies.
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
