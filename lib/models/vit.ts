import * as tf from '@tensorflow/tfjs';
import { assertShape, ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';
import { Net } from './net';

export interface VitOptions {
  /** Side of the square patches; must divide 28. */
  patch: number;
  dim: number;
  depth: number;
  heads: number;
  mlpDim: number;
  classes: number;
  seed: number;
}

/** ViT-tiny on MNIST (Dosovitskiy et al. 2021, DeiT-tiny sizes): patch 4, dim 192, 12 blocks, 3 heads. */
export const VIT_TINY: Omit<VitOptions, 'seed'> = { patch: 4, dim: 192, depth: 12, heads: 3, mlpDim: 768, classes: 10 };

interface Block {
  ln1g: tf.Variable; ln1b: tf.Variable;
  wqkv: tf.Variable; bqkv: tf.Variable; wo: tf.Variable; bo: tf.Variable;
  ln2g: tf.Variable; ln2b: tf.Variable;
  w1: tf.Variable; b1: tf.Variable; w2: tf.Variable; b2: tf.Variable;
}

/** Variable names must be unique in the engine, so each instance gets its own prefix. */
let instances = 0;

const BLOCK_KEYS: (keyof Block)[] = ['ln1g', 'ln1b', 'wqkv', 'bqkv', 'wo', 'bo', 'ln2g', 'ln2b', 'w1', 'b1', 'w2', 'b2'];

/** LayerNorm over the last axis: (x − μ) / √(σ² + ε) · γ + β. */
function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-6))), g), b);
}

/** Exact GELU: x · Φ(x) = ½ x (1 + erf(x / √2)). */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** x [n, t, a] · w [a, b] + bias, as one 2-D matmul. */
function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [n, t, a] = x.shape;
  return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [n * t, a]), w), b), [n, t, w.shape[1] as number]);
}

/**
 * Vision Transformer for 28×28×1 images: non-overlapping patches → linear embedding, a class token,
 * learned position embeddings, `depth` pre-norm blocks x += MHSA(LN(x)); x += MLP(LN(x)) with GELU,
 * then LN and a linear head on the class token. Hand-written with tf.Variables (tf.layers has no
 * attention); apply() is differentiable in x, which input inversion needs.
 */
export function createVit(o: VitOptions): Net {
  if (!Number.isInteger(o.patch) || o.patch < 1 || 28 % o.patch !== 0) {
    throw new ValueRangeError(`createVit: patch=${o.patch} must divide 28 (use 2, 4, 7 or 14).`);
  }
  if (o.dim % o.heads !== 0) {
    throw new ValueRangeError(`createVit: dim=${o.dim} is not divisible by heads=${o.heads}; pick dim = heads · head size.`);
  }
  for (const [k, v] of Object.entries({ dim: o.dim, depth: o.depth, heads: o.heads, mlpDim: o.mlpDim, classes: o.classes })) {
    if (!Number.isInteger(v) || v < 1) throw new ValueRangeError(`createVit: ${k}=${v} must be a positive integer.`);
  }
  const rng = makeRng(o.seed);
  const side = 28 / o.patch;
  const tokens = side * side + 1;
  const patchSize = o.patch * o.patch;
  const hd = o.dim / o.heads;
  const prefix = `vit${instances++}_`;
  let id = 0;
  // Truncated normal (σ = 0.02) for weights, as in ViT/DeiT; zeros for biases, ones for LN gains.
  const w = (shape: number[]) => tf.variable(tf.truncatedNormal(shape, 0, 0.02, 'float32', rng.seed()), true, `${prefix}${id++}`);
  const c = (shape: number[], v: number) => tf.variable(tf.fill(shape, v), true, `${prefix}${id++}`);

  const embedW = w([patchSize, o.dim]);
  const embedB = c([o.dim], 0);
  const cls = w([1, 1, o.dim]);
  const pos = w([1, tokens, o.dim]);
  const blocks: Block[] = [];
  for (let i = 0; i < o.depth; i++) {
    blocks.push({
      ln1g: c([o.dim], 1), ln1b: c([o.dim], 0),
      wqkv: w([o.dim, 3 * o.dim]), bqkv: c([3 * o.dim], 0), wo: w([o.dim, o.dim]), bo: c([o.dim], 0),
      ln2g: c([o.dim], 1), ln2b: c([o.dim], 0),
      w1: w([o.dim, o.mlpDim]), b1: c([o.mlpDim], 0), w2: w([o.mlpDim, o.dim]), b2: c([o.dim], 0),
    });
  }
  const lnfG = c([o.dim], 1);
  const lnfB = c([o.dim], 0);
  const headW = w([o.dim, o.classes]);
  const headB = c([o.classes], 0);

  const vars: tf.Variable[] = [embedW, embedB, cls, pos,
    ...blocks.flatMap((b) => BLOCK_KEYS.map((k) => b[k])), lnfG, lnfB, headW, headB];

  /** softmax(q kᵀ / √d) v per head, heads concatenated, then the output projection. */
  function attention(x: tf.Tensor, b: Block): tf.Tensor {
    const n = x.shape[0];
    const qkv = tf.transpose(tf.reshape(linear(x, b.wqkv, b.bqkv), [n, tokens, 3, o.heads, hd]), [2, 0, 3, 1, 4]);
    const [q, k, v] = tf.unstack(tf.reshape(qkv, [3, n * o.heads, tokens, hd]));
    const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)));
    const out = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v), [n, o.heads, tokens, hd]), [0, 2, 1, 3]), [n, tokens, o.dim]);
    return linear(out, b.wo, b.bo);
  }

  function apply(x: tf.Tensor): tf.Tensor {
    assertShape(x, [null, 28, 28, 1], 'createVit().apply input');
    return tf.tidy(() => {
      const n = x.shape[0];
      // [n, 28, 28, 1] → [n, side·side, patch²], patches in row-major order.
      const patches = tf.reshape(tf.transpose(tf.reshape(x, [n, side, o.patch, side, o.patch]), [0, 1, 3, 2, 4]), [n, side * side, patchSize]);
      let h = linear(patches, embedW, embedB);
      h = tf.add(tf.concat([tf.tile(cls, [n, 1, 1]), h], 1), pos);
      for (const b of blocks) {
        h = tf.add(h, attention(layerNorm(h, b.ln1g, b.ln1b), b));
        h = tf.add(h, linear(gelu(linear(layerNorm(h, b.ln2g, b.ln2b), b.w1, b.b1)), b.w2, b.b2));
      }
      const clsOut = tf.reshape(tf.slice(layerNorm(h, lnfG, lnfB), [0, 0, 0], [n, 1, o.dim]), [n, o.dim]);
      return tf.add(tf.matMul(clsOut, headW), headB);
    });
  }

  return {
    name: `ViT (patch ${o.patch}, dim ${o.dim}, depth ${o.depth}, heads ${o.heads})`,
    apply: (x) => apply(x),
    trainableVars: () => vars,
    getWeights: () => [...vars], // the variables themselves, as a LayersModel gives them: callers must not dispose them
    setWeights: (ws) => {
      if (ws.length !== vars.length) {
        throw new ValueRangeError(`createVit().setWeights: got ${ws.length} tensors, this ViT has ${vars.length}; pass getWeights() of the same configuration.`);
      }
      ws.forEach((t, i) => {
        assertShape(t, vars[i].shape, `createVit().setWeights weight ${i}`);
        vars[i].assign(t);
      });
    },
    dispose: () => vars.forEach((v) => v.dispose()),
  };
}
