import * as tf from '@tensorflow/tfjs';
import { assertShape, ValueRangeError } from '../../tensor/guards';
import { Params } from './params';

/**
 * The DDPM noise predictor: ε̂ = net(x_t, t). Not a `Net` (lib/models/net.ts) because it takes the
 * time step as a second input; otherwise the same shape (weights, variables, dispose).
 */
export interface TimeNet {
  readonly name: string;
  /** x [n,28,28,1] (diffusion space, roughly [−1,1]), t [n] steps (0..T−1, float) → ε̂ [n,28,28,1]. */
  apply(x: tf.Tensor4D, t: tf.Tensor1D): tf.Tensor4D;
  trainableVars(): tf.Variable[];
  getWeights(): tf.Tensor[];
  setWeights(w: tf.Tensor[]): void;
  dispose(): void;
}

export interface UnetOptions {
  /** Channels at 28×28; 14×14 and 7×7 have twice as many. */
  base: number;
  /** Width of the sinusoidal time embedding (even). */
  timeDim?: number;
  seed: number;
}

/**
 * Eq. 16: [sin(t·ω), cos(t·ω)] with ω_k = 10000^(−k/(d/2)), k = 0..d/2−1 (Vaswani et al.'s
 * frequencies, as in Ho et al.'s DDPM). t [n] → [n, d].
 */
export function timeEmbedding(t: tf.Tensor1D, dim: number): tf.Tensor2D {
  if (dim % 2 !== 0 || dim < 2) throw new ValueRangeError(`time embedding width ${dim} must be even and ≥ 2.`);
  return tf.tidy(() => {
    const half = dim / 2;
    const omega = tf.tensor2d(Float32Array.from({ length: half }, (_, k) => Math.pow(10000, -k / half)), [1, half]);
    const arg = tf.mul(tf.reshape(t.toFloat(), [-1, 1]), omega);
    return tf.concat([tf.sin(arg), tf.cos(arg)], 1) as tf.Tensor2D;
  });
}

type Conv = { w: tf.Variable; b: tf.Variable };
interface Res { c1: Conv; t: Conv; c2: Conv; skip: Conv | null }


/**
 * A small UNet for 28×28 (paper 002, §3.2.4 and §3.6): 28 → 14 → 7 with a residual block per
 * level, one self-attention block at 7×7, nearest upsampling with additive skips back to 28,
 * and the time embedding added inside every residual block (Ho et al.; the paper injects it at the
 * bottleneck only — here every level knows the noise level, which a tiny net trained briefly needs).
 * Hand-written with tf.Variables: tf.layers has no two-input residual/attention blocks.
 */
export function createUnet(o: UnetOptions): TimeNet {
  const C = o.base;
  const tDim = o.timeDim ?? 4 * C;
  if (!Number.isInteger(C) || C < 2) throw new ValueRangeError(`UNet base=${C} must be an integer ≥ 2 (quick: 8–16, paper: 64).`);
  const p = new Params('unet', o.seed);
  const conv = (k: number, cin: number, cout: number, gain = 2): Conv => ({ w: p.normal([k, k, cin, cout], k * k * cin, gain), b: p.zeros([cout]) });
  const res = (cin: number, cout: number): Res => ({
    c1: conv(3, cin, cout), t: { w: p.normal([tDim, cout], tDim), b: p.zeros([cout]) },
    // The second conv starts small, so every block begins close to the identity (this, not a
    // normalisation layer, keeps activations in range: group norm's broadcasts cost half the
    // forward pass on wasm).
    c2: conv(3, cout, cout, 0.1), skip: cin === cout ? null : conv(1, cin, cout, 1),
  });

  const temb1 = { w: p.normal([tDim, tDim], tDim), b: p.zeros([tDim]) };
  const convIn = conv(3, 1, C, 1);
  const r1 = res(C, C);
  const down1 = conv(3, C, 2 * C);
  const r2 = res(2 * C, 2 * C);
  const down2 = conv(3, 2 * C, 2 * C);
  const mid = res(2 * C, 2 * C);
  const attn = { qkv: { w: p.normal([2 * C, 6 * C], 2 * C, 1), b: p.zeros([6 * C]) }, out: { w: p.normal([2 * C, 2 * C], 2 * C, 0.1), b: p.zeros([2 * C]) } };
  const u2 = res(2 * C, 2 * C);
  const narrow = conv(1, 2 * C, C, 1);
  const u1 = res(C, C);
  // Zero output layer: the untrained net predicts ε̂ = 0 (loss 1), a calm start.
  const convOut = { w: p.zeros([3, 3, C, 1]), b: p.zeros([1]) };

  // Fused conv + bias (+ ReLU): one wasm kernel instead of two or three.
  const conv2d = (x: tf.Tensor4D, c: Conv, stride = 1, activation: 'linear' | 'relu' = 'linear'): tf.Tensor4D =>
    tf.fused.conv2d({ x, filter: c.w as tf.Tensor4D, bias: c.b, strides: stride, pad: 'same', activation });

  /**
   * y = skip(x) + F(x, t) (§3.6.1): F = conv(ReLU(conv(x) + time bias)), the time embedding added
   * as a per-channel bias. ReLU as in the paper (§3.3); SiLU's sigmoid costs more than a conv here.
   */
  const resBlock = (x: tf.Tensor4D, r: Res, temb: tf.Tensor2D): tf.Tensor4D => {
    const tb = tf.add(tf.matMul(temb, r.t.w as tf.Tensor2D), r.t.b);
    const h = tf.relu(tf.add(conv2d(x, r.c1), tf.reshape(tb, [-1, 1, 1, tb.shape[1] as number]))) as tf.Tensor4D;
    return tf.add(r.skip ? conv2d(x, r.skip) : x, conv2d(h, r.c2)) as tf.Tensor4D;
  };

  /** Single-head self-attention over the 7×7 positions (§3.6.2), residual. */
  const attention = (x: tf.Tensor4D): tf.Tensor4D => {
    const [n, h, w, c] = x.shape;
    const flat = tf.reshape(x, [n * h * w, c]);
    const qkv = tf.reshape(tf.add(tf.matMul(flat, attn.qkv.w as tf.Tensor2D), attn.qkv.b), [n, h * w, 3 * c]);
    const [q, k, v] = tf.split(qkv, 3, 2);
    const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(c)));
    const o2 = tf.reshape(tf.matMul(weights, v), [n * h * w, c]);
    const out = tf.add(tf.matMul(o2, attn.out.w as tf.Tensor2D), attn.out.b);
    return tf.add(x, tf.reshape(out, [n, h, w, c])) as tf.Tensor4D;
  };

  const up = (x: tf.Tensor4D, size: number): tf.Tensor4D => tf.image.resizeNearestNeighbor(x, [size, size]);

  return {
    name: `UNet (base ${C})`,
    apply(x, t) {
      assertShape(x, [null, 28, 28, 1], 'UNet input');
      assertShape(t, [x.shape[0]], 'UNet time steps');
      return tf.tidy(() => {
        const temb = tf.relu(tf.add(tf.matMul(timeEmbedding(t, tDim), temb1.w as tf.Tensor2D), temb1.b)) as tf.Tensor2D;
        const h0 = conv2d(x, convIn);
        const s1 = resBlock(h0, r1, temb); // 28×28×C
        const s2 = resBlock(conv2d(s1, down1, 2), r2, temb); // 14×14×2C
        let h = attention(resBlock(conv2d(s2, down2, 2), mid, temb)); // 7×7×2C
        // Skips are added, not concatenated: Concat is slow on wasm and the sum keeps widths small.
        h = resBlock(tf.add(up(h, 14), s2) as tf.Tensor4D, u2, temb);
        h = resBlock(tf.add(up(conv2d(h, narrow), 28), s1) as tf.Tensor4D, u1, temb);
        return conv2d(tf.relu(h) as tf.Tensor4D, convOut);
      });
    },
    trainableVars: () => p.vars,
    getWeights: () => p.getWeights(),
    setWeights: (w) => p.setWeights(w),
    dispose: () => p.dispose(),
  };
}
