import * as tf from '@tensorflow/tfjs';
import { asTensor, KernelArgs } from './kernel-utils';

/**
 * Sum over leading axes (every bias gradient: Σ over batch and pixels of dy [N, H, W, C]). The wasm Sum
 * transposes the reduced axes to the back first, then reduces (~11 ms for [64, 26, 26, 32] on a busy
 * machine). As a matmul 1ᵀ·X with X viewed as [R, C] it runs through XNNPACK (~6 ms; batch-matmul.ts
 * decides the operand layout). Other reductions, small R and non-float inputs keep the original kernel.
 */
export function fastSum(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const x = args.inputs.x;
    const rank = x.shape.length;
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    const r = leading ? x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1) : 0;
    const rest = x.shape.slice(axes.length);
    const c = rest.reduce((p, q) => p * q, 1);
    if (!leading || x.dtype !== 'float32' || r < 256 || c < 2) return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    return tf.tidy(() => {
      const s = tf.matMul(tf.ones([1, r]), tf.reshape(asTensor(x), [r, c]));
      return tf.reshape(s, keepDims ? [...axes.map(() => 1), ...rest] : rest);
    });
  }) as unknown as tf.KernelFunc;
}
