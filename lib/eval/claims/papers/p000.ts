import type { PaperClaim } from '../types';

/**
 * Paper 000: Guo & Wang's slides (an invertible MLP trained with an NLL loss; notebook 01).
 *
 * How the rows were chosen: the slides print no result number. Their results are four figure
 * slides ("Image Embedding and Reconstruction at 10 / 50 / 100 / 500 Epochs", Base, Small and
 * NoActivations each; the images did not survive extraction) and two conclusion bullets. Each
 * effect the figures are meant to show is one row for all three models and checkpoints, since
 * the text says nothing that differs per model or per epoch. Left out: the target N(2·label, 1)
 * and the loss (settings), the related-work slides, and the future-work bullets (suggestions,
 * not results; notebook 01's flow loss follows the "better loss function" one anyway).
 */
export const CLAIMS: PaperClaim[] = [
  {
    id: '000-embedding-gaussian',
    paper: '000',
    where: 'Results and Discussion, embedding figures at 10, 50, 100 and 500 epochs',
    statement: 'The trained network embeds an image of label a as 28x28 values that look sampled from a Gaussian with mean 2·label and variance 1.',
    paperValue: null,
    notebook: '01',
    attempted: true,
  },
  {
    id: '000-reconstruction',
    paper: '000',
    where: 'Results and Discussion, reconstruction figures at 10, 50, 100 and 500 epochs',
    statement: 'Running the network backwards on an embedding reconstructs the input image, for Base, Small and NoActivations.',
    paperValue: null,
    notebook: '01',
    attempted: true,
  },
  {
    id: '000-generation-infeasible',
    paper: '000',
    where: 'Conclusion & Future Work',
    statement: 'Inverting neural networks for image generation is infeasible: fresh N(2·label, 1) noise run backwards does not give images of the label.',
    paperValue: null,
    notebook: '01',
    attempted: true,
  },
  {
    id: '000-sensitivity-limits',
    paper: '000',
    where: 'Conclusion & Future Work',
    statement: 'NN constraints and sensitivity limit image generation (square W, invertible activations, and an inverse that amplifies small errors).',
    paperValue: null,
    notebook: '01',
    attempted: true,
  },
];
