import * as tf from '@tensorflow/tfjs';
import { TimeNet } from '../models/generative/unet';
import { assertShape, ShapeError } from '../tensor/guards';
import { Schedule } from './schedules';

/** A noise predictor with a closed-form Gaussian part; `fitPrior` sets the per-pixel statistics from training images. */
export interface GaussianSkipNet extends TimeNet {
  /** Per-pixel mean and variance of x_0 (in diffusion space) from images [n,28,28,1] in [0,1]. */
  fitPrior(x01: tf.Tensor): void;
}

/**
 * ε̂(x_t, t) = E[ε | x_t] under a per-pixel Gaussian model x_0 ~ N(μ, s²), plus the net's correction:
 *   E[ε | x_t] = √(1−ᾱ_t) · (x_t − √ᾱ_t μ) / (ᾱ_t s² + 1 − ᾱ_t)
 * (x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε, eq. 17; the regression of ε on x_t). It predicts the always-dark
 * border's noise exactly at every t (s² = 0 there) and the mean digit at high noise, so a UNet
 * trained for a few hundred steps only has to learn the strokes. The loss is unchanged (eq. 36
 * on the sum); μ and s² are stored with the weights (after the net's), never trained.
 */
export function withGaussianSkip(net: TimeNet, s: Schedule): GaussianSkipNet {
  const zeros = tf.zeros([28, 28, 1]);
  const mean = tf.variable(zeros, false);
  const variance = tf.variable(zeros, false);
  zeros.dispose(); // the variables keep their own references to the data
  const sqrtAbar = tf.tensor1d(Float32Array.from(s.alphaBars, (a) => Math.sqrt(a)));
  const sqrtOneMinus = tf.tensor1d(Float32Array.from(s.alphaBars, (a) => Math.sqrt(1 - a)));
  return {
    name: `${net.name} + Gaussian skip`,
    fitPrior(x01) {
      assertShape(x01, [null, 28, 28, 1], 'Gaussian skip training images');
      tf.tidy(() => {
        const m = tf.moments(tf.sub(tf.mul(x01, 2), 1), 0);
        mean.assign(m.mean as tf.Tensor3D);
        variance.assign(m.variance as tf.Tensor3D);
      });
    },
    apply(x, t) {
      return tf.tidy(() => {
        const steps = tf.cast(t, 'int32');
        const a = tf.reshape(tf.gather(sqrtAbar, steps), [-1, 1, 1, 1]);
        const b = tf.reshape(tf.gather(sqrtOneMinus, steps), [-1, 1, 1, 1]);
        const prior = tf.div(tf.mul(b, tf.sub(x, tf.mul(a, mean))), tf.add(tf.mul(tf.square(a), variance), tf.square(b)));
        return tf.add(prior, net.apply(x, t)) as tf.Tensor4D;
      });
    },
    trainableVars: () => net.trainableVars(),
    getWeights: () => [...net.getWeights(), mean, variance],
    setWeights(w) {
      const k = w.length - 2;
      if (k < 0 || w.slice(k).some((t) => t.shape.join() !== '28,28,1')) {
        throw new ShapeError(`a Gaussian-skip DDPM needs the UNet's weights then the pixel mean and variance [28,28,1]; got ${w.length} tensors ending in [${w[w.length - 1]?.shape}]. Load a checkpoint saved with gaussianSkip: true.`);
      }
      net.setWeights(w.slice(0, k));
      mean.assign(w[k] as tf.Tensor3D);
      variance.assign(w[k + 1] as tf.Tensor3D);
    },
    dispose() {
      net.dispose();
      tf.dispose([mean, variance, sqrtAbar, sqrtOneMinus]);
    },
  };
}
