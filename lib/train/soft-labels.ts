import * as tf from '@tensorflow/tfjs';
import { Dataset, oneHot } from '../data/mnist';
import { Net } from '../models/net';
import { ClassifierReport, ClassifierTraining, crossEntropy, trainSupervised } from './classifier';

/**
 * Train a classifier on a dataset plus extra soft-labelled images (the thesis's eq. 3.3 VAE
 * mixtures: `extra.soft` rows are label distributions), with cross-entropy, cached under `key`
 * (which must describe the model, the training and where the extra images came from).
 */
export async function trainWithSoftLabels(
  net: Net,
  key: unknown,
  data: Dataset,
  extra: { images: tf.Tensor; soft: tf.Tensor },
  cfg: ClassifierTraining,
  label: string,
): Promise<ClassifierReport & { cached: boolean }> {
  const x = tf.concat([data.images, extra.images]);
  const y = tf.tidy(() => tf.concat([oneHot(data.labels), extra.soft]));
  try {
    return await trainSupervised(net, key, x, y, cfg, label, crossEntropy);
  } finally {
    tf.dispose([x, y]);
  }
}
