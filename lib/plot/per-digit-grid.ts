import * as tf from '@tensorflow/tfjs';
import { digitGrid } from './grid';

/**
 * A grid with one row per digit 0–9 of images stored digit by digit (`perDigit` of each, digit 0
 * first, as generators that draw a block per class return them): the first `show` of each block.
 */
export function perDigitGrid(images: tf.Tensor, perDigit: number, show: number, title: string, scale = 2): Buffer {
  const pick = Array.from({ length: 10 }, (_, d) => Array.from({ length: show }, (_, j) => d * perDigit + j)).flat();
  const rows = tf.gather(images, pick);
  try {
    return digitGrid(rows, { cols: show, scale, rowLabels: Array.from({ length: 10 }, (_, d) => `digit ${d}`), title });
  } finally {
    rows.dispose();
  }
}
