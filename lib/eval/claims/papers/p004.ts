import type { PaperClaim } from '../types';

/**
 * Paper 004: a classifier as a generator, arXiv 2209.09210 (notebook 04).
 *
 * How the rows were chosen: the paper prints one result number (the classifier's test accuracy,
 * §5.1); Fig. 6 titles each row with a test accuracy, but the figure did not survive extraction,
 * so those numbers cannot be cited. Every other result is a figure's effect, and each of §5.1–5.6
 * makes two kinds of statement about its figure — what changes (PGD balances, l1 sharpens, …) and
 * whether overall quality changes — so each is its own row. Left out: the settings (100 steps,
 * step 0.05, λ = 50, x₀ = 0) and the conclusion's restatements of §5.6.
 */
const NOT_SCORED = (fig: string): string =>
  `qualitative only: notebook 04 draws ${fig} but scores only the λ sweep and the epoch checkpoints with the judge; this figure's images get no number yet`;

export const CLAIMS: PaperClaim[] = [
  {
    id: '004-classifier-accuracy',
    paper: '004',
    where: '§5.1',
    statement: 'The simple convolutional classifier used for generation has a test accuracy of 0.96.',
    paperValue: '0.96',
    notebook: '04',
    attempted: true,
  },
  {
    id: '004-basic-recognizable',
    paper: '004',
    where: 'Abstract; §5.1, Fig. 1',
    statement: 'Each generated image is of limited quality, but recognizable for human eyes as an instance of the corresponding class.',
    paperValue: null,
    notebook: '04',
    attempted: true,
  },
  {
    id: '004-pgd-balanced',
    paper: '004',
    where: '§5.2, Fig. 2',
    statement: 'Projected gradient descent makes the results look more balanced, as it clips off highly deviated values in each image.',
    paperValue: null,
    notebook: '04',
    attempted: true,
  },
  {
    id: '004-pgd-same-quality',
    paper: '004',
    where: '§5.2, Fig. 2',
    statement: 'PGD makes no significant difference for the overall quality.',
    paperValue: null,
    notebook: '04',
    attempted: false,
    reason: NOT_SCORED('the PGD images (figures/04-fig2-pgd.png) and prints their pixel range'),
  },
  {
    id: '004-l1-less-blurred',
    paper: '004',
    where: '§5.3, Fig. 3',
    statement: 'With the l1 distance as regularizer the generated images are less blurred.',
    paperValue: null,
    notebook: '04',
    attempted: false,
    reason: 'qualitative only: notebook 04 draws the l1 images (figures/04-fig3-l1.png) but computes no sharpness measure (e.g. gradient energy or neighbour correlation against the l2 images)',
  },
  {
    id: '004-l1-same-quality',
    paper: '004',
    where: '§5.3, Fig. 3',
    statement: 'The l1 distance does not make much difference in terms of overall quality.',
    paperValue: null,
    notebook: '04',
    attempted: false,
    reason: NOT_SCORED('the l1 images (figures/04-fig3-l1.png)'),
  },
  {
    id: '004-interpolation-continuous',
    paper: '004',
    where: '§5.4, Fig. 4',
    statement: 'Maximising the logits of "0" and of a digit with varying ratios gives interpolations of poor quality that do show a continuous interpolation between the digits.',
    paperValue: null,
    notebook: '04',
    attempted: false,
    reason: 'qualitative only: notebook 04 draws the interpolation rows (figures/04-fig4-interpolation.png) titled with the generating classifier\'s p(0)/p(d), but computes no continuity or quality number (e.g. the judge\'s p(0) and p(d) along each row)',
  },
  {
    id: '004-lambda-more-plausible',
    paper: '004',
    where: '§5.5, Fig. 5',
    statement: 'With a stronger regularization the generated images are more plausible and look more like real samples drawn from the dataset.',
    paperValue: null,
    notebook: '04',
    attempted: true,
  },
  {
    id: '004-lambda-too-strong-average',
    paper: '004',
    where: '§5.5, Fig. 5',
    statement: 'When the regularization is too strong, the generated images look like the average of all samples.',
    paperValue: null,
    notebook: '04',
    attempted: true,
  },
  {
    id: '004-epochs-all-recognizable',
    paper: '004',
    where: '§5.6, Fig. 6',
    statement: 'The same classifier after every number of training epochs produces recognizable results.',
    paperValue: null,
    notebook: '04',
    attempted: true,
  },
  {
    id: '004-accuracy-not-quality',
    paper: '004',
    where: '§5.6, Fig. 6; §6',
    statement: 'A classifier with higher accuracy does not always produce images of higher quality: quality is not proportional to classifier performance.',
    paperValue: null,
    notebook: '04',
    attempted: true,
  },
  {
    id: '004-overtrained-noisy',
    paper: '004',
    where: '§5.6, Fig. 6',
    statement: 'With classifiers trained for too many epochs, the results get noisy.',
    paperValue: null,
    notebook: '04',
    attempted: true,
  },
  {
    id: '004-not-competitive',
    paper: '004',
    where: '§6',
    statement: 'The method is not competitive with state-of-the-art methods in terms of the quality of the generated images.',
    paperValue: null,
    notebook: '06',
    attempted: true,
  },
];
