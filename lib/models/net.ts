import * as tf from '@tensorflow/tfjs';

/**
 * The one shape every model in lib has, so trainers, inverters, the cache and the judge treat
 * tf.layers models and hand-written ones (invertible MLP, ViT, RBM, UNet) alike.
 */
export interface Net {
  readonly name: string;
  /** Forward pass; differentiable in both the input and the weights. */
  apply(x: tf.Tensor, training?: boolean): tf.Tensor;
  /** The variables an optimiser updates. */
  trainableVars(): tf.Variable[];
  /** All weights in a fixed order (what a checkpoint stores). */
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
  dispose(): void;
}

/** Wrap a tf.LayersModel as a Net. */
export function fromLayers(model: tf.LayersModel, name = model.name): Net {
  return {
    name,
    apply: (x, training = false) => model.apply(x, { training }) as tf.Tensor,
    trainableVars: () => model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
    getWeights: () => model.getWeights(),
    setWeights: (w) => model.setWeights(w),
    dispose: () => model.dispose(),
  };
}
