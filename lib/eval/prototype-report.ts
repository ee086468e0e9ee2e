import * as tf from '@tensorflow/tfjs';
import { predictPrototype, PrototypeModel } from '../models/prototypes/train';
import { classificationReport } from './classification';

/**
 * A row of the thesis's tables 4.1 / 4.2: a prototype network's macro precision, recall and F1 on
 * test digits, in % to one decimal, beside the thesis's (precision, recall, F1).
 */
export function prototypeTableRow(model: PrototypeModel, test: { images: tf.Tensor; labels: Int32Array }, dims: number, paper: [number, number, number]) {
  const r = classificationReport(test.labels, predictPrototype(model, test.images));
  return { manifold: `${dims}D`, 'precision %': +(100 * r.precision).toFixed(1), 'recall %': +(100 * r.recall).toFixed(1), 'F1 %': +(100 * r.f1).toFixed(1),
    'paper precision %': paper[0], 'paper recall %': paper[1], 'paper F1 %': paper[2] };
}
