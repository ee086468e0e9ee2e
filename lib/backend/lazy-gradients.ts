import * as tf from '@tensorflow/tfjs';

/**
 * Gradients only for what needs them. tfjs's fused matMul and conv2d (what every Dense and Conv2D
 * layer calls) record one custom-gradient node whose backward pass computes the gradients of all
 * inputs eagerly. So training computed dL/dx for the network's input (M1: a 64×784·784×784 product
 * for nothing, ~15 % of a step), and inverting an input computed every weight gradient (an LM Jacobian
 * on FCNN-2: the 784×784 dW, ~20 % of an iteration). tfjs itself falls back to plain ops under a
 * gradient tape for non-linear activations; here the linear case does the same: matMul (conv2d) then
 * add the bias, ops whose gradients are evaluated per input and only for inputs on the path.
 * Values are those of the fused kernels up to float32 rounding (the bias is added after the sum).
 * Outside gradient tapes (inference) the fused kernels run as before.
 */
type FusedMatMulArgs = Parameters<typeof tf.fused.matMul>[0];
type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0];

let installed = false;

export function installLazyFusedGradients(): void {
  if (installed) return;
  installed = true;
  const fused = tf.fused as { matMul: (a: FusedMatMulArgs) => tf.Tensor; conv2d: (a: FusedConv2dArgs) => tf.Tensor };
  const taping = () => (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
  const { matMul, conv2d } = fused;
  fused.matMul = (a) => {
    if (!taping() || (a.activation ?? 'linear') !== 'linear') return matMul(a);
    const y = tf.matMul(a.a, a.b, a.transposeA, a.transposeB);
    return a.bias != null ? tf.add(y, a.bias) : y;
  };
  fused.conv2d = (a) => {
    // NCHW biases would broadcast over the wrong axis with a plain add: keep the fused op there.
    if (!taping() || (a.activation ?? 'linear') !== 'linear' || (a.dataFormat ?? 'NHWC') !== 'NHWC') return conv2d(a);
    const y = tf.conv2d(a.x, a.filter, a.strides, a.pad, a.dataFormat, a.dilations, a.dimRoundingMode);
    return a.bias != null ? tf.add(y, a.bias) : y;
  };
}
