import type { PaperClaim } from '../types';

/**
 * Paper 001: Pattichis & Pattichis, BACKPASSINV and FORWARDPASSINV (notebook 02).
 *
 * How the rows were chosen: every accuracy in §IV is its own row (one network each: a seminar
 * checks each against its own measurement). Table I holds only settings and is skipped. The
 * Fig. 3 threshold (≥ 0.9 for the target, ≤ 0.1 for the rest) is one row per method and network
 * family, because the lab can check BACKPASSINV, FORWARDPASSINV on ViT-tiny and on DINOv3
 * separately; the randomness remarks of §IV-C are one row per comparison they make.
 */
const DINO_REASON =
  'needs a DINOv3-Base fine-tuned on MNIST: notebook 02 runs FORWARDPASSINV on it only when MNIST_LAB_DINO_MODEL names a ' +
  'TensorFlow.js conversion, and the lab has none (no weights in the repository or the model cache; fine-tuning a ViT-B for ' +
  '32 epochs is far beyond the 2-core CPU budget)';

export const CLAIMS: PaperClaim[] = [
  {
    id: '001-fcnn1-accuracy',
    paper: '001',
    where: '§IV-B',
    statement: 'The 1-layer FCNN (Linear + SELU, SGD lr 0.001, momentum 0.9, 20 epochs) gets 91.5% validation accuracy.',
    paperValue: '91.5%',
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-fcnn2-accuracy',
    paper: '001',
    where: '§IV-B',
    statement: 'The 2-layer FCNN gets 95.4% validation accuracy.',
    paperValue: '95.4%',
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-fcnn6-accuracy',
    paper: '001',
    where: '§IV-B',
    statement: 'The 6-layer FCNN gets 96.9% validation accuracy.',
    paperValue: '96.9%',
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-vit-tiny-accuracy',
    paper: '001',
    where: '§IV-A, Table I',
    statement: 'ViT-tiny (patch 4×4, hidden 192, 12 layers, AdamW + EMA, 32 epochs) fine-tuned on MNIST reaches 95.7% validation accuracy.',
    paperValue: '95.7%',
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-dinov3-accuracy',
    paper: '001',
    where: '§IV-A, Table I',
    statement: 'DINOv3-Base fine-tuned on MNIST reaches 99.8% validation accuracy.',
    paperValue: '99.8%',
    notebook: '02',
    attempted: false,
    reason: DINO_REASON,
  },
  {
    id: '001-backpass-threshold',
    paper: '001',
    where: '§IV-C, Fig. 3 (rows 1layerNN, 2layerNN, 6layer NN)',
    statement: 'Every image BACKPASSINV generates on the 1-, 2- and 6-layer FCNNs (null-space noise, Std = 0.1) gets probability ≥ 0.9 for its digit class and ≤ 0.1 for the other ones.',
    paperValue: '≥ 0.9 for each digit class and ≤0.1 for the other ones',
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-lm-converges',
    paper: '001',
    where: '§IV-A',
    statement: 'Levenberg–Marquardt, applied for up to 30 iterations, converges on the fine-tuned ViTs ("we apply up to 30 iterations and verify convergence"); the lab checks ViT-tiny, DINOv3 needs its weights (001-dinov3-accuracy).',
    paperValue: null,
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-forwardpass-vit-threshold',
    paper: '001',
    where: '§IV-A and §IV-C, Fig. 3 (row ViT-tiny)',
    statement: 'FORWARDPASSINV (Levenberg–Marquardt, up to 30 iterations, convergence verified) generates ViT-tiny inputs with probability ≥ 0.9 for the target class and ≤ 0.1 for the remaining digits.',
    paperValue: '≥ 0.9 probability for the target class and ≤ 0.1',
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-forwardpass-dinov3-threshold',
    paper: '001',
    where: '§IV-A and §IV-C, Fig. 3 (row DINOV3)',
    statement: 'FORWARDPASSINV generates DINOv3 inputs with probability ≥ 0.9 for the target class and ≤ 0.1 for the remaining digits.',
    paperValue: '≥ 0.9 probability for the target class and ≤ 0.1',
    notebook: '02',
    attempted: false,
    reason: DINO_REASON,
  },
  {
    id: '001-backpass-all-inputs',
    paper: '001',
    where: '§III-B',
    statement: 'BACKPASSINV generates all possible input images that can yield the given class distribution (null-space samples at every layer), returning an error only where an inverted activation grows unbounded.',
    paperValue: null,
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-random-like-far-from-training',
    paper: '001',
    where: 'Abstract; §II; §IV-C',
    statement: 'Unlike prior methods, the new methods produce random-like input images, far from the training set, that yield near perfect classification scores in all cases.',
    paperValue: null,
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-prior-work-close-to-training',
    paper: '001',
    where: '§IV-C, Fig. 3 (row [1]-1layer)',
    statement: 'The previous algorithms of [1] gave images that were very close to the training dataset.',
    paperValue: null,
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-randomness-grows-with-depth',
    paper: '001',
    where: '§IV-C, Fig. 3',
    statement: 'Image randomness increases dramatically with the complexity of the network: 1-layer images bear some resemblance to the training images, 2 or more layer networks seem completely random-like.',
    paperValue: null,
    notebook: '02',
    attempted: true,
  },
  {
    id: '001-dinov3-more-random',
    paper: '001',
    where: '§IV-C, Fig. 3 (bottom rows)',
    statement: 'The images for DINOv3 appear even more random than the images for ViT-tiny.',
    paperValue: null,
    notebook: '02',
    attempted: false,
    reason: DINO_REASON,
  },
];
