import * as tf from '@tensorflow/tfjs';
import { Net } from '../../models/net';
import { assertNumber, ValueRangeError } from '../../tensor/guards';

export type Activation = 'selu' | 'leakyRelu' | 'linear';
const ACTIVATIONS: readonly Activation[] = ['selu', 'leakyRelu', 'linear'];

/** One Linear layer followed by its activation, weights as tfjs stores them (y = x·kernel + bias). */
export interface DenseLayer {
  kernel: tf.Tensor2D; // [in, out]
  bias: tf.Tensor1D; // [out]
  activation: Activation;
  /** LeakyReLU slope for negative inputs. */
  alpha?: number;
}

/** The backward pass could not run (a layer it cannot invert, a bad option). */
export class BackpassError extends ValueRangeError {
  name = 'BackpassError';
}

/** An activation BACKPASSINV can invert, with its slope when it is a LeakyReLU (where: the caller, for the message). */
export function checkActivation(activation: Activation, alpha: number | undefined, where: string): void {
  if (!ACTIVATIONS.includes(activation)) throw new BackpassError(`${where}: activation '${activation}' cannot be inverted; use ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')} (what follows each Linear layer).`);
  if (activation === 'leakyRelu') assertNumber(alpha, `${where}: LeakyReLU alpha`, { above: 0 }, "give the layer's slope so it can be inverted (createFcnn's default is 0.01).", BackpassError);
}

/**
 * The Linear layers of a sequential Net (an FCNN from createFcnn): weights come in
 * [kernel, bias] pairs. `activation` is what follows every Linear. The tensors belong to the net.
 */
export function denseLayersOf(net: Net, activation: Activation, alpha?: number): DenseLayer[] {
  checkActivation(activation, alpha, `denseLayersOf(${net.name})`);
  const w = net.getWeights();
  if (w.length === 0 || w.length % 2 !== 0) {
    throw new BackpassError(`denseLayersOf(${net.name}): ${w.length} weight tensors are not [kernel, bias] pairs; BACKPASSINV needs a stack of Linear layers (createFcnn).`);
  }
  const layers: DenseLayer[] = [];
  for (let i = 0; i < w.length; i += 2) {
    const [k, b] = [w[i], w[i + 1]];
    if (k.rank !== 2 || b.rank !== 1 || k.shape[1] !== b.shape[0]) {
      throw new BackpassError(`denseLayersOf(${net.name}): weights ${i}/${i + 1} have shapes [${k.shape}] / [${b.shape}], not a Linear [in,out] kernel and [out] bias; only Linear layers can be inverted here.`);
    }
    if (i > 0 && layers[layers.length - 1].kernel.shape[1] !== k.shape[0]) {
      throw new BackpassError(`denseLayersOf(${net.name}): layer ${i / 2 + 1} takes ${k.shape[0]} inputs but the previous layer gives ${layers[layers.length - 1].kernel.shape[1]}; the net is not a plain stack.`);
    }
    layers.push({ kernel: k as tf.Tensor2D, bias: b as tf.Tensor1D, activation, alpha });
  }
  return layers;
}
