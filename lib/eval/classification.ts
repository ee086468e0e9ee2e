import { ShapeError, ValueRangeError } from '../tensor/guards';

export interface ClassificationReport {
  /** Macro averages (unweighted mean over classes), in [0, 1]. */
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

/**
 * Precision, recall and F1 per class and their macro averages (the thesis's tables 4.1 / 4.2;
 * macro F1 is the mean of per-class F1, not the F1 of the mean precision and recall, the
 * scikit-learn convention). A class never predicted has precision 0; with no true examples,
 * recall 0 (scikit-learn's zero_division=0).
 */
export function classificationReport(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes = 10): ClassificationReport {
  if (truth.length !== predicted.length) throw new ShapeError(`${truth.length} true labels but ${predicted.length} predictions; give one prediction per label.`);
  if (truth.length === 0) throw new ShapeError('no labels given; pass at least one (label, prediction) pair.');
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (!(Number.isInteger(t) && t >= 0 && t < classes) || !(Number.isInteger(p) && p >= 0 && p < classes)) {
      throw new ValueRangeError(`pair ${i} is (true ${t}, predicted ${p}); labels must be integers in [0, ${classes - 1}] (set \`classes\`).`);
    }
    confusion[t][p]++;
  }
  const perClass = confusion.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, r) => a + r[c], 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  const mean = (k: 'precision' | 'recall' | 'f1') => perClass.reduce((a, c) => a + c[k], 0) / classes;
  const hits = confusion.reduce((a, row, c) => a + row[c], 0);
  return { precision: mean('precision'), recall: mean('recall'), f1: mean('f1'), accuracy: hits / truth.length, perClass, confusion };
}
