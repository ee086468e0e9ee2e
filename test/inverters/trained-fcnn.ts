import * as tf from '@tensorflow/tfjs';
import { loadMnist, oneHot } from '../../lib/data/mnist';
import { createFcnn } from '../../lib/models/fcnn';
import { Net } from '../../lib/models/net';
import { crossEntropy } from '../../lib/train/classifier';
import { trainLoop } from '../../lib/train/loop';

/** A small SELU FCNN (784 → 32 → 10, or 784 → widths… → 10) trained for a second on 1,000 digits: enough to invert. */
export async function smallTrainedFcnn(layers = 2, widths?: number[]): Promise<Net> {
  const data = loadMnist('train', { limit: 1000, seed: 3 });
  const y = oneHot(data.labels);
  const net = createFcnn({ layers, width: 32, widths, activation: 'selu', seed: 5 });
  const optimizer = tf.train.adam(3e-3);
  await trainLoop({ vars: net.trainableVars(), loss: (xb, yb) => crossEntropy(net.apply(xb, true), yb), optimizer, x: data.images, y, epochs: 3, batchSize: 50, seed: 1, label: 'test FCNN' });
  tf.dispose([data.images, y]);
  optimizer.dispose();
  return net;
}
