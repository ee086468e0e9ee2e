import * as tf from '@tensorflow/tfjs';
import { assertShape, ValueRangeError } from '../../tensor/guards';
import { batchNorm, batchNormParams, BatchStats } from './batch-norm';
import { ganLatent, generatorMethods } from './gan-generator';
import type { Gan, GanOptions } from './gan-types';
import { dense, pairedParams, Params } from './params';

/**
 * A small convolutional GAN in the DCGAN pattern (Radford et al. 2016; the paper's §3.2.2 allows a
 * conv generator/discriminator): G: z → dense 7×7×c₂ → BN → ReLU → ×2 nearest → 3×3 conv c₁ → BN →
 * ReLU → ×2 → 3×3 conv 1 → tanh; D: 3×3 stride-2 convs 1 → c₁ → c₂ with LeakyReLU(0.2), then one
 * logit. `hidden` = [c₁, c₂]. Batch norm in G is always on (DCGAN's), with running statistics for
 * sampling. Same interface and [0,1] image convention as the MLP GAN.
 */
export function createConvGan(o: GanOptions): Gan {
  const latent = ganLatent(o);
  const [c1, c2] = o.hidden ?? [32, 64];
  if ((o.hidden && o.hidden.length !== 2) || !(Number.isInteger(c1) && c1 >= 1 && Number.isInteger(c2) && c2 >= 1)) {
    throw new ValueRangeError(`conv GAN channels [${o.hidden}] must be two positive integers [c1, c2] (e.g. [16, 32]).`);
  }
  const g = new Params('cgan-g', o.seed);
  const d = new Params('cgan-d', o.seed + 1);
  const conv = (p: Params, cin: number, cout: number, gain = 2) => ({ w: p.normal([3, 3, cin, cout], 9 * cin, gain), b: p.zeros([cout]) });
  const bnOf = (w: number) => batchNormParams(g, w);
  const gIn = g.dense(latent, 49 * c2);
  const bn0 = bnOf(49 * c2);
  const gConv1 = conv(g, c2, c1);
  const bn1 = bnOf(c1);
  const gOut = conv(g, c1, 1, 1);
  const dConv1 = conv(d, 1, c1);
  const dConv2 = conv(d, c1, c2);
  const dOut = d.dense(49 * c2, 1, 1);
  const norm = (h: tf.Tensor, bn: ReturnType<typeof bnOf>, axes: number[], training: boolean, stats?: BatchStats[]) => tf.relu(batchNorm(h, bn, axes, training, stats));
  const conv2d = (x: tf.Tensor4D, c: { w: tf.Variable; b: tf.Variable }, stride = 1) =>
    tf.fused.conv2d({ x, filter: c.w as tf.Tensor4D, bias: c.b, strides: stride, pad: 'same' });
  const forward = (z: tf.Tensor, training: boolean, stats?: BatchStats[]): tf.Tensor4D => {
    let h: tf.Tensor = norm(dense(z, gIn), bn0, [0], training, stats);
    h = tf.image.resizeNearestNeighbor(tf.reshape(h, [-1, 7, 7, c2]) as tf.Tensor4D, [14, 14]);
    h = norm(conv2d(h as tf.Tensor4D, gConv1), bn1, [0, 1, 2], training, stats);
    h = conv2d(tf.image.resizeNearestNeighbor(h as tf.Tensor4D, [28, 28]), gOut);
    return tf.mul(tf.add(tf.tanh(h), 1), 0.5) as tf.Tensor4D;
  };
  return {
    name: `GAN (latent ${latent}, conv ${c1}-${c2}, batch norm)`,
    ...generatorMethods(latent, forward, true),
    initOutputBias(meanImage) {
      // One output channel: the bias can only set the overall level; start it at the mean pixel.
      if (meanImage.size !== 784) throw new ValueRangeError(`GAN output bias: the mean image has ${meanImage.size} values, 784 are needed.`);
      const mean = tf.tidy(() => tf.mean(meanImage));
      const p = Math.min(0.99, Math.max(0.01, mean.dataSync()[0]));
      mean.dispose();
      // A fresh rank-1 tensor: a reshaped scalar keeps rank 0 in the wasm backend's fused conv.
      tf.tidy(() => gOut.b.assign(tf.tensor1d([Math.atanh(2 * p - 1)])));
    },
    discriminate(x) {
      assertShape(x, [null, 28, 28, 1], 'GAN discriminator input');
      return tf.tidy(() => {
        let h = tf.sub(tf.mul(x, 2), 1) as tf.Tensor4D;
        h = tf.leakyRelu(conv2d(h, dConv1, 2), 0.2) as tf.Tensor4D;
        h = tf.leakyRelu(conv2d(h, dConv2, 2), 0.2) as tf.Tensor4D;
        return tf.reshape(dense(tf.reshape(h, [-1, 49 * c2]), dOut), [-1]) as tf.Tensor1D;
      });
    },
    ...pairedParams(g, d),
  };
}
