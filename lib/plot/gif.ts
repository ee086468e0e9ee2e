import * as tf from '@tensorflow/tfjs';
import { digitGrid, GridOptions, Images } from './grid';
import { decodePng } from './png';
// gifenc ships no types; its API is three functions.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { GIFEncoder, quantize, applyPalette } = require('gifenc') as {
  GIFEncoder: () => { writeFrame(idx: Uint8Array, w: number, h: number, o: { palette: number[][]; delay: number }): void; finish(): void; bytes(): Uint8Array };
  quantize: (rgba: Uint8Array, n: number) => number[][];
  applyPalette: (rgba: Uint8Array, palette: number[][]) => Uint8Array;
};

/**
 * An animated GIF (time-lapses of training or of reverse diffusion): each frame is a labelled
 * digit grid, so frames can carry a title such as "epoch 3".
 */
export function digitGridGif(frames: { images: Images; title: string }[], opts: Omit<GridOptions, 'title'>, delayMs = 300): Buffer {
  if (frames.length === 0) throw new Error('digitGridGif needs at least one frame; collect frames during training first.');
  const enc = GIFEncoder();
  let size: [number, number] | null = null;
  for (const f of frames) {
    const png = decodePng(digitGrid(f.images, { ...opts, title: f.title }));
    if (size && (size[0] !== png.width || size[1] !== png.height)) {
      throw new Error(`GIF frames differ in size (${size} vs ${png.width},${png.height}); give every frame the same number of images and titles.`);
    }
    size = [png.width, png.height];
    const rgba = new Uint8Array(png.data);
    const palette = quantize(rgba, 256);
    enc.writeFrame(applyPalette(rgba, palette), png.width, png.height, { palette, delay: delayMs });
  }
  enc.finish();
  return Buffer.from(enc.bytes());
}

/** Copy images out of tensors now, so a frame list survives the tensors' disposal. */
export function snapshot(images: tf.Tensor): Float32Array[] {
  const n = images.shape[0];
  const d = images.dataSync();
  const per = images.size / n;
  return Array.from({ length: n }, (_, i) => Float32Array.from(d.subarray(i * per, (i + 1) * per)));
}
