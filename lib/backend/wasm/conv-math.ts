import * as tf from '@tensorflow/tfjs';
import { padOrCrop } from './kernel-utils';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/**
 * Gradients of a 2-D convolution (NHWC, filter [KH, KW, Ci, Co]) written as forward convolutions and
 * matmuls, which the wasm build runs through XNNPACK.
 *
 * Forward: y[n, o, c] = Σ_{k, i} x[n, o·s + k·d − padTop, i] · w[k, i, c]   (one spatial axis shown).
 */
export function convInfo(
  xShape: [number, number, number, number], filterShape: [number, number, number, number],
  strides: [number, number], dilations: [number, number], pad: Pad, rounding: Rounding,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, rounding, false, 'channelsLast');
}

/**
 * dL/dx: dx[i] = Σ_k dy_up[i + padTop − k·d] · w[k], with dy_up = dy with (s−1) zeros between entries.
 * Flipping the filter (k' = KH−1−k) makes that a stride-1 forward conv with dilation d of dy_up
 * padded by (KH−1)·d − padTop in front and whatever makes the output exactly H long at the back.
 */
export function convBackpropInput(
  dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: [number, number, number, number],
  strides: [number, number], dilations: [number, number], pad: Pad, rounding: Rounding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(xShape, filter.shape as [number, number, number, number], strides, dilations, pad, rounding);
    if (filter.shape[2] <= FEW_CHANNELS) return backpropInputByColumns(dy, filter, info);
    const [n, oh, ow, co] = dy.shape;
    const [sh, sw] = strides;
    const [dh, dw] = dilations;
    const [kh, kw] = filter.shape;
    const [, h, w] = xShape;
    let up: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      // Zero insertion by padding a unit axis after each row/column; costs one copy of dy·s².
      const r = tf.reshape(dy, [n, oh, 1, ow, 1, co]);
      const p = tf.pad(r, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
      up = tf.reshape(p, [n, oh * sh, ow * sw, co]);
    }
    const upH = up.shape[1];
    const upW = up.shape[2];
    const top = (kh - 1) * dh - info.padInfo.top;
    const left = (kw - 1) * dw - info.padInfo.left;
    const bottom = h + (kh - 1) * dh - top - upH;
    const right = w + (kw - 1) * dw - left - upW;
    const padded = padOrCrop(up, top, bottom, left, right);
    // Flip both spatial axes = reverse the flattened (kh, kw) axis; 3-D Reverse/Transpose are the
    // cheap wasm paths (a 4-D Reverse of a 3×3×32×64 filter took ~0.8 ms).
    const [, , fin, fout] = filter.shape;
    const flat = tf.reverse(tf.reshape(filter, [kh * kw, fin, fout]), 0);
    const flipped = tf.reshape(tf.transpose(flat, [0, 2, 1]), [kh, kw, fout, fin]) as tf.Tensor4D;
    return tf.conv2d(padded, flipped, 1, 'valid', 'NHWC', [dh, dw]);
  });
}

/**
 * Up to this many input channels dx is computed by columns: a forward conv whose output has 1–4
 * channels leaves most of XNNPACK's 8-wide tiles empty (the first conv layer's dx for an input
 * inversion: 1.8 ms by conv, 0.3 ms by columns).
 */
const FEW_CHANNELS = 4;

/**
 * dx by columns: cols[r, (k, i)] = Σ_c dy[r, c] · w[k, i, c] for every output pixel r (one matmul),
 * then each column entry is added to the input pixel it came from, x[n, o·s + k·d − padTop, i] (col2im).
 */
function backpropInputByColumns(dy: tf.Tensor4D, filter: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const [n, oh, ow, co] = dy.shape;
  const [kh, kw, ci] = filter.shape;
  const cols = tf.matMul(tf.reshape(dy, [n * oh * ow, co]), tf.reshape(filter, [kh * kw * ci, co]), false, true);
  const cv = cols.dataSync();
  const { inHeight: h, inWidth: w, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  const dx = new Float32Array(n * h * w * ci);
  let r = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let ki = 0; ki < kh; ki++) {
          const y = i * sh + ki * dh - padInfo.top;
          for (let kj = 0; kj < kw; kj++, r += ci) {
            const x = j * sw + kj * dw - padInfo.left;
            if (y < 0 || y >= h || x < 0 || x >= w) continue;
            const o = ((b * h + y) * w + x) * ci;
            for (let c = 0; c < ci; c++) dx[o + c] += cv[r + c];
          }
        }
      }
    }
  }
  return tf.tensor4d(dx, [n, h, w, ci]);
}

/**
 * dL/dw[k, i, c] = Σ_{n, o} x[n, o·s + k·d − padTop, i] · dy[n, o, c].
 * Two routes, chosen by shape (see README for timings):
 * - patches: a depthwise conv with a one-hot filter lays out the KH·KW·Ci patch of every output pixel
 *   ([R, K], R = N·OH·OW), then one matmul Pᵀ·dy with dy [R, Co].
 * - forward conv: xᵀ [Ci, H, W, N] convolved with dyᵀ [OH, OW, N, Co] as the filter (the forward stride
 *   becomes the dilation) gives [Ci, KH, KW, Co] directly. Needs forward dilation 1.
 */
export function convBackpropFilter(
  x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number],
  strides: [number, number], dilations: [number, number], pad: Pad, rounding: Rounding,
): tf.Tensor4D {
  const [kh, kw, ci, co] = filterShape;
  const k = kh * kw * ci;
  const usePatches = k <= 4 * co || dilations[0] > 1 || dilations[1] > 1;
  return usePatches
    ? filterByPatches(x, dy, filterShape, strides, dilations, pad, rounding)
    : filterByForwardConv(x, dy, filterShape, strides, pad, rounding);
}

const oneHotCache = new Map<string, tf.Tensor4D>();

/** The [KH, KW, Ci, KH·KW] one-hot filter whose depthwise conv extracts patches (kept, it is constant). */
function patchFilter(kh: number, kw: number, ci: number): tf.Tensor4D {
  const key = `${kh}x${kw}x${ci}`;
  let f = oneHotCache.get(key);
  if (f == null || f.isDisposed) {
    const data = new Float32Array(kh * kw * ci * kh * kw);
    for (let a = 0; a < kh; a++)
      for (let b = 0; b < kw; b++)
        for (let c = 0; c < ci; c++) data[((a * kw + b) * ci + c) * kh * kw + a * kw + b] = 1;
    f = tf.keep(tf.tensor4d(data, [kh, kw, ci, kh * kw]));
    oneHotCache.set(key, f);
  }
  return f;
}

export function filterByPatches(
  x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number],
  strides: [number, number], dilations: [number, number], pad: Pad, rounding: Rounding,
): tf.Tensor4D {
  const [kh, kw, ci, co] = filterShape;
  const oneHot = patchFilter(kh, kw, ci);
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, strides, dilations, pad, rounding);
    const p = info.padInfo;
    // Zero-padding x first reproduces the forward pass's grid for every padding mode. (Explicit padding
    // in the wasm depthwise kernel reads out of bounds when a pad exceeds the filter, e.g. 4×1 with pad 1.)
    const xp = padOrCrop(x, p.top, p.bottom, p.left, p.right);
    const patches = tf.depthwiseConv2d(xp, oneHot, strides, 'valid', 'NHWC', dilations);
    const r = dy.shape[0] * dy.shape[1] * dy.shape[2];
    const k = kh * kw * ci;
    const p2 = tf.reshape(patches, [r, k]);
    const d2 = tf.reshape(dy, [r, co]);
    // Pᵀ·dy; batch-matmul.ts decides which operand to transpose and which XNNPACK packs.
    // Channel order of the depthwise output is (ci, kh, kw).
    const g = tf.matMul(p2, d2, true, false);
    return tf.transpose(tf.reshape(g, [ci, kh, kw, co]), [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

export function filterByForwardConv(
  x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number],
  strides: [number, number], pad: Pad, rounding: Rounding,
): tf.Tensor4D {
  const [kh, kw] = filterShape;
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, strides, [1, 1], pad, rounding);
    const [, h, w] = x.shape;
    const [, oh, ow] = dy.shape;
    const [sh, sw] = strides;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Extent that makes the stride-1, dilation-s conv produce exactly KH×KW outputs.
    const bottom = (kh - 1) + (oh - 1) * sh + 1 - h - top;
    const right = (kw - 1) + (ow - 1) * sw + 1 - w - left;
    const xt = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [Ci, H, W, N]
    const xp = padOrCrop(xt, top, bottom, left, right);
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [OH, OW, N, Co]
    const g = tf.conv2d(xp, dyt, 1, 'valid', 'NHWC', [sh, sw]); // [Ci, KH, KW, Co]
    return tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}
