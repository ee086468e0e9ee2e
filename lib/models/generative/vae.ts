import * as tf from '@tensorflow/tfjs';
import { assertShape, ValueRangeError } from '../../tensor/guards';
import { makeRng } from '../../tensor/rng';
import { dense, Params } from './params';

export interface VaeOptions {
  /** Latent size D_L (paper: 100). */
  latent?: number;
  /** Width of the one hidden layer of encoder and decoder. */
  hidden?: number;
  seed: number;
}

/**
 * A variational autoencoder (Kingma & Welling; paper 002 §3.2.3) with MLP encoder and decoder.
 * Also a `Net` whose apply(x) is the reconstruction decode(μ(x)), so the cache and notebooks treat it
 * like every other model. Images [n,28,28,1] in [0,1] in and out.
 */
export interface Vae {
  readonly name: string;
  readonly latent: number;
  /** Eq. 8: (μ, log σ²) = f_enc(x), each [n, latent]. */
  encode(x: tf.Tensor): { mu: tf.Tensor2D; logVar: tf.Tensor2D };
  /** Eq. 11: x̄ = f_dec(z), z [n, latent] → [n,28,28,1] in (0,1). */
  decode(z: tf.Tensor): tf.Tensor4D;
  /** Reconstruction through the mean code: decode(μ(x)). */
  apply(x: tf.Tensor, training?: boolean): tf.Tensor;
  trainableVars(): tf.Variable[];
  getWeights(): tf.Tensor[];
  setWeights(w: tf.Tensor[]): void;
  dispose(): void;
}

export function createVae(o: VaeOptions): Vae {
  const latent = o.latent ?? 100;
  const hidden = o.hidden ?? 400;
  if (!(Number.isInteger(latent) && latent >= 1)) throw new ValueRangeError(`VAE latent size ${latent} must be a positive integer (paper: 100).`);
  if (!(Number.isInteger(hidden) && hidden >= 1)) throw new ValueRangeError(`VAE hidden width ${hidden} must be a positive integer.`);
  const p = new Params('vae', o.seed);
  const enc = p.dense(784, hidden);
  const encMu = p.dense(hidden, latent, 1);
  const encLogVar = p.dense(hidden, latent, 0.1);
  const dec = p.dense(latent, hidden);
  const decOut = p.dense(hidden, 784, 1);

  const encode = (x: tf.Tensor) => {
    assertShape(x, [null, 28, 28, 1], 'VAE input');
    return tf.tidy(() => {
      const h = tf.relu(dense(tf.reshape(x, [-1, 784]), enc));
      return { mu: dense(h, encMu), logVar: dense(h, encLogVar) };
    });
  };
  // The paper ends the decoder with tanh on data scaled to [−1,1]; sigmoid(a) = (tanh(a/2)+1)/2 is
  // the same map for data in [0,1], the lab's convention.
  const decode = (z: tf.Tensor) => {
    assertShape(z, [null, latent], 'VAE latent code');
    return tf.tidy(() => tf.reshape(tf.sigmoid(dense(tf.relu(dense(z, dec)), decOut)), [-1, 28, 28, 1]) as tf.Tensor4D);
  };
  return {
    name: `VAE (latent ${latent})`,
    latent,
    encode,
    decode,
    apply: (x) => tf.tidy(() => decode(encode(x).mu)),
    trainableVars: () => p.vars,
    getWeights: () => p.getWeights(),
    setWeights: (w) => p.setWeights(w),
    dispose: () => p.dispose(),
  };
}

/** Eq. 10, the reparameterisation: z = μ + σ ⊙ ε with σ = exp(½ log σ²). */
export function reparameterize(mu: tf.Tensor, logVar: tf.Tensor, eps: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as tf.Tensor2D);
}

/** Eq. 32 per image, averaged over the batch: −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²). */
export function klDivergence(mu: tf.Tensor, logVar: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 1), 0.5)) as tf.Scalar);
}

/** Eq. 31 per image, averaged over the batch: Σ over pixels of (x − x̄)². */
export function reconstructionError(x: tf.Tensor, xHat: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sum(tf.reshape(tf.squaredDifference(x, xHat), [x.shape[0], -1]), 1)) as tf.Scalar);
}

/** Both terms of eq. 33 for a batch, with the given ε ~ N(0, I) [n, latent]. */
export function vaeTerms(vae: Vae, x: tf.Tensor, eps: tf.Tensor): { recon: tf.Scalar; kl: tf.Scalar } {
  return tf.tidy(() => {
    const { mu, logVar } = vae.encode(x);
    const xHat = vae.decode(reparameterize(mu, logVar, eps));
    return { recon: reconstructionError(x, xHat), kl: klDivergence(mu, logVar) };
  });
}

/** Eq. 33, C = C_recon + C_KL, as a trainLoop loss that draws its own seeded ε every call. */
export function vaeLoss(vae: Vae, seed: number): (x: tf.Tensor) => tf.Scalar {
  const rng = makeRng(seed);
  return (x) => {
    const eps = tf.randomNormal([x.shape[0], vae.latent], 0, 1, 'float32', rng.seed());
    const { recon, kl } = vaeTerms(vae, x, eps);
    return tf.add(recon, kl) as tf.Scalar;
  };
}

/** Samples: decode z ~ N(0, I) (a fixed seed gives the same z, e.g. for a time-lapse). */
export function sampleVae(vae: Vae, n: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => vae.decode(tf.randomNormal([n, vae.latent], 0, 1, 'float32', seed)));
}
