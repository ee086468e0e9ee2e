import * as tf from '@tensorflow/tfjs';
import { Dataset, oneHot } from '../../data/mnist';
import { ClassifierReport, ClassifierTraining, trainSupervised } from '../../train/classifier';
import { BusemannModel } from './busemann';
import { HypersphereModel } from './hypersphere';

export type PrototypeModel = HypersphereModel | BusemannModel;

/**
 * Train a prototype network with its own loss (eq. 4.5 or the penalised Busemann loss) through
 * the one training loop, cached like trainClassifier. `modelKey` must describe the prototypes
 * (how they were placed) as well as the architecture.
 */
export async function trainPrototypeModel(
  model: PrototypeModel,
  modelKey: unknown,
  data: Dataset,
  cfg: ClassifierTraining,
  label = model.net.name,
): Promise<ClassifierReport & { cached: boolean }> {
  const key = { kind: `prototype-${model.kind}`, model: modelKey, dims: model.dims, training: cfg, data: { n: data.n } };
  const y = oneHot(data.labels);
  try {
    return await trainSupervised(model.net, key, data.images, y, cfg, label, (outputs, targets) => model.loss(outputs, targets));
  } finally {
    y.dispose();
  }
}

/** Outputs (points) of the network for many images, in batches: [n, D]. */
export function embedAll(model: PrototypeModel, images: tf.Tensor, batch = 256): tf.Tensor2D {
  const n = images.shape[0];
  const parts: tf.Tensor[] = [];
  for (let i = 0; i < n; i += batch) parts.push(tf.tidy(() => model.net.apply(images.slice(i, Math.min(batch, n - i)))));
  const out = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/** Predicted class of every image: the nearest prototype (largest score of the classifier view). */
export function predictPrototype(model: PrototypeModel, images: tf.Tensor, batch = 256): Int32Array {
  const n = images.shape[0];
  const out = new Int32Array(n);
  for (let i = 0; i < n; i += batch) {
    const t = tf.tidy(() => model.classifier.apply(images.slice(i, Math.min(batch, n - i))).argMax(1));
    out.set(t.dataSync() as Int32Array, i);
    t.dispose();
  }
  return out;
}
