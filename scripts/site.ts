/**
 * npm run site [-- --profile quick|paper] [--executed DIR] [--figures DIR] [--out DIR] [--max-mb N]
 * The seminar site (pages, reveal.js decks, index) from the notebooks the last run of a profile
 * executed: notebooks/.executed/<profile>/, else notebooks/.executed/. The quick profile's site is
 * docs/ (committed); another profile's needs --out. Work is in scripts/site/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fromRoot } from '../lib/paths';
import { buildSite } from './site/build';

export function parseSiteArgs(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  let profile = env.MNIST_LAB_PROFILE ?? 'quick';
  let executed: string | undefined;
  let figures: string | undefined;
  let out: string | undefined;
  let maxMb = 30;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--profile') profile = value();
    else if (a === '--executed') executed = path.resolve(value());
    else if (a === '--figures') figures = path.resolve(value());
    else if (a === '--out') out = path.resolve(value());
    else if (a === '--max-mb') maxMb = Number(value());
    else throw new Error(`unknown option ${a}; use --profile quick|paper, --executed DIR, --figures DIR, --out DIR, --max-mb N`);
  }
  if (profile !== 'quick' && profile !== 'paper') throw new Error(`profile "${profile}": use --profile quick or paper (or MNIST_LAB_PROFILE).`);
  if (!(maxMb > 0)) throw new Error(`--max-mb must be a positive number of megabytes.`);
  if (!out && profile !== 'quick') throw new Error(`docs/ holds the quick profile's site; for the ${profile} profile pass --out DIR.`);
  if (!executed) {
    const byProfile = fromRoot('notebooks', '.executed', profile);
    executed = fs.existsSync(byProfile) ? byProfile : fromRoot('notebooks', '.executed');
  }
  if (!fs.existsSync(executed)) throw new Error(`no executed notebooks at ${executed}; run \`npm run notebooks -- --profile ${profile}\` first, or pass --executed DIR.`);
  return {
    profile,
    executedDir: executed,
    figuresDir: figures ?? env.MNIST_LAB_FIGURES ?? fromRoot('figures'),
    outDir: out ?? fromRoot('docs'),
    maxBytes: maxMb * 1e6,
  };
}

function main(): void {
  const args = parseSiteArgs(process.argv.slice(2));
  const r = buildSite({ ...args, notebooksDir: fromRoot('notebooks'), readmeFile: fromRoot('README.md') });
  for (const n of r.notebooks) {
    const slides = n.slides.reduce((a, b) => a + b, 0);
    console.log(
      `${n.stem}: page ${n.images} image(s)${n.plotly ? ', Plotly' : ''}${n.errors ? `, ${n.errors} error output(s)` : ''}; deck ${n.slides.length} slide(s), ${slides} with subslides` +
        (n.unmarked ? ' (no slideshow metadata: one long slide; run scripts/site/slideshow-metadata.ts)' : ''),
    );
  }
  const mb = (b: number): string => (b / 1e6).toFixed(2);
  const parts = Object.entries(r.breakdown).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${mb(v)}`).join(', ');
  console.log(`site: ${r.files} files, ${mb(r.bytes)} MB (${parts}) in ${r.seconds.toFixed(1)} s → ${path.relative(process.cwd(), args.outDir) || '.'}/ from ${args.executedDir}`);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`site: ${(e as Error).message}`);
    process.exit(1);
  }
}
