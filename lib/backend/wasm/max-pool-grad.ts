import * as tf from '@tensorflow/tfjs';
import { asTensor, KernelArgs, pair } from './kernel-utils';

interface PoolAttrs { filterSize: number | [number, number]; strides: number | [number, number];
  pad: 'valid' | 'same' | number; dimRoundingMode?: string }

/**
 * MaxPoolGrad. The wasm kernel rescans every window per input pixel (~20 ms a call on the CNN's
 * [64, 26, 26, 32] activations) and, for overlapping 'same' windows, returns wrong gradients (tfjs 4.22:
 * relative error 0.34 against cpu on 3×3/2 'same' random data, no ties). Two routes replace it:
 *
 * - non-overlapping windows (filter = stride, no padding; every pooling layer in lib): elementwise, in
 *   native kernels, exactly as the cpu backend does it (gradient to the first maximum of each window):
 *   e = [x = y↑] marks the maxima (y↑ is y broadcast over its window); score = e · (s² − position)
 *   is largest at the first maximum, so mask = [score = maxpool(score)↑] and dx = mask · dy↑.
 * - otherwise: MaxPoolWithArgmax gives each window's maximum's flat index and dy is scattered there
 *   (ScatterNd sums duplicates, which handles overlapping windows). The wasm MaxPoolWithArgmax starts
 *   its running max at 0, not −∞ (all-negative windows report index 0), so it is fed x − min(x) + 1 ≥ 1.
 *   Exact without ties; on ties it may pick another of the equal maxima than cpu does (still a valid
 *   subgradient).
 *
 * dimRoundingMode (which argmax lacks) keeps the original kernel. NaN inputs give NaN gradients.
 */
export function fastMaxPoolGrad(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const a = args.attrs as unknown as PoolAttrs;
    const [fh, fw] = pair(a.filterSize);
    const [sh, sw] = pair(a.strides);
    const [, h, w] = args.inputs.input.shape;
    const [, oh, ow] = args.inputs.dy.shape;
    if (a.dimRoundingMode != null || typeof a.pad === 'object') return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    const tiles = fh === sh && fw === sw && oh * sh <= h && ow * sw <= w
      && (a.pad === 'valid' || a.pad === 0 || (a.pad === 'same' && h % sh === 0 && w % sw === 0));
    return tf.tidy(() => {
      const x = asTensor(args.inputs.input) as tf.Tensor4D;
      const dy = asTensor(args.inputs.dy) as tf.Tensor4D;
      return tiles ? tiledGrad(x, asTensor(args.inputs.output) as tf.Tensor4D, dy, sh, sw) : argmaxGrad(x, dy, a);
    });
  }) as unknown as tf.KernelFunc;
}

/** [1, s_h·oh, s_w·ow, 1] with s_h·s_w − (row-major position inside the window). */
function positionScore(oh: number, ow: number, sh: number, sw: number): tf.Tensor4D {
  const hh = oh * sh;
  const ww = ow * sw;
  const v = new Float32Array(hh * ww);
  for (let i = 0; i < hh; i++) for (let j = 0; j < ww; j++) v[i * ww + j] = sh * sw - ((i % sh) * sw + (j % sw));
  return tf.tensor4d(v, [1, hh, ww, 1]);
}

function tiledGrad(x: tf.Tensor4D, y: tf.Tensor4D, dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = dy.shape;
  const xc = oh * sh === h && ow * sw === w ? x : tf.slice(x, [0, 0, 0, 0], [n, oh * sh, ow * sw, c]);
  const win = (t: tf.Tensor) => tf.reshape(t, [n, oh, sh, ow, sw, c]);
  const up = (t: tf.Tensor) => tf.reshape(t, [n, oh, 1, ow, 1, c]);
  // [a = b] for a ≤ b as 1 − step(b − a) (step(t) = [t > 0]): the wasm Equal is slow (a generic loop
  // when broadcasting, ~6 ns an element without) and so is Sign (~7 ns), while Sub broadcasts natively
  // and Step runs at ~0.7 ns an element.
  const eqMax = (a: tf.Tensor, b: tf.Tensor) => tf.sub(1, tf.step(tf.sub(b, a)));
  const isMax = eqMax(win(xc), up(y)); // x ≤ y within each window
  const score = tf.mul(tf.reshape(isMax, [n, oh * sh, ow * sw, c]), positionScore(oh, ow, sh, sw));
  const best = tf.maxPool(score as tf.Tensor4D, [sh, sw], [sh, sw], 'valid');
  const first = eqMax(win(score), up(best)); // scores are distinct within a window
  const dx = tf.reshape(tf.mul(first, up(dy)), [n, oh * sh, ow * sw, c]) as tf.Tensor4D;
  return dx.shape[1] === h && dx.shape[2] === w ? dx : tf.pad(dx, [[0, 0], [0, h - oh * sh], [0, w - ow * sw], [0, 0]]);
}

function argmaxGrad(x: tf.Tensor4D, dy: tf.Tensor4D, a: PoolAttrs): tf.Tensor {
  const positive = tf.add(tf.sub(x, tf.min(x)), 1);
  const [, idx] = tf.engine().runKernel('MaxPoolWithArgmax', { x: positive }, {
    filterSize: a.filterSize, strides: a.strides, pad: a.pad, includeBatchInIndex: true,
  } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return tf.reshape(tf.scatterND(tf.reshape(idx, [-1, 1]), tf.reshape(dy, [-1]), [x.size]), x.shape);
}
