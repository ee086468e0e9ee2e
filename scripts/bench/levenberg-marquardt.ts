import * as tf from '@tensorflow/tfjs';
import { luFactor, luSolve } from '../../lib/linalg/lu';
import { createFcnn } from '../../lib/models/fcnn';
import { boxes, rate } from './rate';

/**
 * One Levenberg–Marquardt iteration on FCNN-2 for one image, r = target − softmax(f(x)):
 * J = ∂softmax(f)/∂x (10×784) by autodiff — one backward pass over 10 copies of x, row i from output i —
 * and δ = (JᵀJ + μI)⁻¹Jᵀr computed as Jᵀ(JJᵀ + μI)⁻¹r (the same vector; a 10×10 solve instead of
 * 784×784, by lib/linalg/lu.ts), then the trial point is evaluated and μ adapted. As in
 * lib/inverters/forwardpass.ts, an accepted trial's residual is the next iteration's r (no second
 * forward pass); J is recomputed every iteration, as after an accepted step.
 */
export function lmRate(backend: string): number {
  const net = createFcnn({ layers: 2, activation: 'selu', seed: 5 });
  let x = tf.randomUniform([1, 28, 28, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
  const target = tf.oneHot(tf.tensor1d([7], 'int32'), 10).toFloat();
  const eye10 = tf.eye(10);
  let mu = 1e-2;
  const probs = (t: tf.Tensor) => tf.softmax(net.apply(t));
  const residual = (t: tf.Tensor) => tf.tidy(() => tf.sub(target, probs(t)).dataSync() as Float32Array);
  const squares = (r: Float32Array) => r.reduce((s, v) => s + v * v, 0);
  let r = residual(x);
  let err = squares(r);
  const step = () => {
    const [jac, jjt] = tf.tidy(() => {
      const xs = tf.tile(x, [10, 1, 1, 1]);
      const j = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(probs(t), eye10)))(xs).reshape([10, 784]);
      return [j, tf.add(tf.matMul(j, j, false, true), tf.mul(eye10, mu))];
    });
    const z = luSolve(luFactor(jjt.dataSync(), 10, 'JJᵀ + μI'), r);
    const trial = tf.tidy(() => tf.add(x, tf.reshape(tf.matMul(tf.tensor2d(Float32Array.from(z), [1, 10]), jac), [1, 28, 28, 1]))) as tf.Tensor4D;
    const rt = residual(trial);
    const e = squares(rt);
    if (e < err) {
      x.dispose();
      x = trial;
      r = rt;
      err = e;
      mu = Math.max(mu / 3, 1e-7);
    } else {
      trial.dispose();
      mu *= 2;
    }
    tf.dispose([jac, jjt]);
  };
  const rt = rate(step, boxes(backend, 'loop'));
  tf.dispose([x, target, eye10]);
  net.dispose();
  return rt;
}
