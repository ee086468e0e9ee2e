import type { PaperClaim } from '../types';

/**
 * Paper 002: Løken, RBM, GAN, VAE and DDPM on MNIST (notebook 05).
 *
 * How the rows were chosen: the study prints no result number (its numbers are settings: epochs,
 * n_h, η, T, β). Its results are the first/final-epoch grids of Figs. 3–6 and the §6.1 bullets, so
 * each row is one effect a figure or bullet states, per model. Left out: remarks on single tiles of
 * the author's own grids ("the 9(?) at 5, 1") — they describe those particular samples, which no
 * rerun can draw again — bullets about effort rather than results ("conceptually straightforward",
 * "very easy to implement"), the RBM's binary output (true by construction), and §6.2's judge,
 * which is a proposal (notebook 05 builds it) rather than a result.
 * Notebook 05 draws every first/final grid and time-lapse; a row it only draws and does not score
 * is marked not attempted, with `notebook` still naming where the picture is.
 */
const DRAWN_NOT_SCORED = (what: string): string =>
  `qualitative only: notebook 05 draws ${what} but computes no number for it (the judge scores only the final samples); no judge-based proxy defined yet`;

export const CLAIMS: PaperClaim[] = [
  {
    id: '002-rbm-first-epoch-noise',
    paper: '002',
    where: '§5.1, Fig. 3 (first epoch)',
    statement: 'The RBM starts out as pure noise: after the first epoch there is not even a hint of digits forming.',
    paperValue: null,
    notebook: '05',
    attempted: false,
    reason: DRAWN_NOT_SCORED('the first-epoch grid (figures/05-rbm-first-final.png)'),
  },
  {
    id: '002-rbm-final-digits',
    paper: '002',
    where: '§5.1, Fig. 3 (epoch 100)',
    statement: 'At epoch 100 the RBM forms digits, albeit poorly: most of the 25 are intelligible.',
    paperValue: null,
    notebook: '05',
    attempted: true,
  },
  {
    id: '002-rbm-no-overfitting',
    paper: '002',
    where: '§5.1, Fig. 3',
    statement: 'The RBM definitely has no problems with overfitting: it draws distinct versions of the same digit (two distinct 7s, two distinct 2s).',
    paperValue: null,
    notebook: '05',
    attempted: true,
  },
  {
    id: '002-gan-first-epoch-aggregate',
    paper: '002',
    where: '§5.2, Fig. 4 (first epoch)',
    statement: 'After the first epoch the GAN draws no longer pure noise but some weird aggregate of all numbers.',
    paperValue: null,
    notebook: '05',
    attempted: false,
    reason: DRAWN_NOT_SCORED('the first-epoch grid (figures/05-gan-first-final.png)'),
  },
  {
    id: '002-gan-final-digits',
    paper: '002',
    where: '§5.2, Fig. 4 (final epoch); §6.1',
    statement: 'At the final epoch the GAN forms distinct digits, with clear distinction between numbers (relatively good results), a few odd ones among them.',
    paperValue: null,
    notebook: '05',
    attempted: true,
  },
  {
    id: '002-gan-noisy',
    paper: '002',
    where: '§5.3 (vs GAN); §6.1',
    statement: 'The GAN is prone to produce noisy digits (visible noise at the final epoch, unlike the VAE).',
    paperValue: null,
    notebook: '05',
    attempted: false,
    reason: 'notebook 05 measures no pixel noise or smoothness of the samples (lib/eval/randomness has a neighbour-correlation measure, used by 02 but not wired into 05)',
  },
  {
    id: '002-vae-converges-faster',
    paper: '002',
    where: '§5.3, Fig. 5 (first epoch)',
    statement: 'After the first epoch the VAE already makes blurry attempts at digits in some cases, suggesting it converges much faster than the RBM and the GAN.',
    paperValue: null,
    notebook: '05',
    attempted: false,
    reason: DRAWN_NOT_SCORED('the first-epoch grids and the time-lapses (figures/05-*-first-final.png, 05-*-timelapse.gif)'),
  },
  {
    id: '002-vae-final-digits',
    paper: '002',
    where: '§5.3, Fig. 5 (final epoch)',
    statement: 'At the final epoch the VAE gives good results: distinct digits, only one poor one among the 25.',
    paperValue: null,
    notebook: '05',
    attempted: true,
  },
  {
    id: '002-vae-smooth',
    paper: '002',
    where: '§5.3, Fig. 5; §6.1',
    statement: 'Unlike RBM and GAN, the VAE shows no visible noise at the final epoch; its digits are generally more smooth and continuous.',
    paperValue: null,
    notebook: '05',
    attempted: false,
    reason: 'notebook 05 measures no pixel noise or smoothness of the samples (lib/eval/randomness has a neighbour-correlation measure, used by 02 but not wired into 05)',
  },
  {
    id: '002-ddpm-first-epoch-digitlike',
    paper: '002',
    where: '§5.4, Fig. 6 (first epoch)',
    statement: 'After the first epoch the DDPM already draws digits or digit-like shapes, some intelligible: an even faster learner than the other methods.',
    paperValue: null,
    notebook: '05',
    attempted: false,
    reason: DRAWN_NOT_SCORED('the first-epoch grids (figures/05-ddpm-*-first-final.png)'),
  },
  {
    id: '002-ddpm-final-digits',
    paper: '002',
    where: '§5.4, Fig. 6 (epoch 30); §6.1',
    statement: 'At its final epoch (30) the DDPM gives very good, generally continuous and distinct digits with very little if any noise (relatively good results).',
    paperValue: null,
    notebook: '05',
    attempted: true,
  },
  {
    id: '002-ddpm-class-imbalance',
    paper: '002',
    where: '§5.4, Fig. 6',
    statement: 'The DDPM samples show an excess of 1s and a total absence of 2s.',
    paperValue: null,
    notebook: '05',
    attempted: false,
    reason: 'notebook 05 reports the judge\'s label entropy per model, not its per-class counts, so an excess of one digit or a missing one is not read off',
  },
  {
    id: '002-ddpm-computationally-heavy',
    paper: '002',
    where: '§3.2.4; §5.4; §6.1',
    statement: 'The DDPM is much more computationally intensive than the other methods.',
    paperValue: null,
    notebook: '05',
    attempted: true,
  },
  {
    id: '002-rbm-slow-poor',
    paper: '002',
    where: '§6.1 (RBM)',
    statement: 'The RBM is slow to train and gives relatively poor results, the worst of the four models.',
    paperValue: null,
    notebook: '05',
    attempted: true,
  },
  {
    id: '002-cosine-over-linear',
    paper: '002',
    where: '§3.2.4',
    statement: 'The cosine noise schedule is preferred to the linear one: fewer artifacts (rogue pixels) and a smoother reverse process.',
    paperValue: null,
    notebook: '05',
    attempted: true,
  },
];
