/**
 * Both judges on every committed sample strip (figures/samples/*.png), printed as markdown:
 * per strip judge accuracy and mean p(target) for each judge, then every SGD-vs-Adam pair of
 * notebook 03 and whether the judges agree on its ordering. Reads only; writes nothing.
 *   node --import tsx scripts/judges-on-samples.ts [DIR]     # DIR defaults to figures/samples
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/backend/select';
import { loadJudges } from '../lib/eval/judge';
import { readSamples, samplesDir } from '../lib/eval/samples';
import { pairedDifference } from '../lib/eval/stats';

interface Row {
  stem: string;
  n: number;
  /** Per judge: accuracy (null without labels), mean p(target), per-image p(target). */
  by: { acc: number | null; p: number; perImage: number[] }[];
}

async function main(): Promise<void> {
  await initBackend();
  const dir = process.argv[2] ?? samplesDir();
  const judges = await loadJudges();
  const rows: Row[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort()) {
    const { images, meta } = readSamples(path.join(dir, file));
    const labels = meta?.labels ?? null;
    const by = judges.map(({ judge }) => {
      const probs = judge.probs(images);
      const d = probs.dataSync();
      probs.dispose();
      const perImage: number[] = [];
      let hit = 0;
      for (let i = 0; i < images.shape[0]; i++) {
        const row = Array.from(d.subarray(10 * i, 10 * i + 10));
        const top = row.indexOf(Math.max(...row));
        const target = labels ? labels[i] : top; // unconditional: the judge's own top class
        if (top === target) hit++;
        perImage.push(row[target]);
      }
      return { acc: labels ? hit / images.shape[0] : null, p: perImage.reduce((a, b) => a + b, 0) / perImage.length, perImage };
    });
    rows.push({ stem: file.replace(/\.png$/, ''), n: images.shape[0], by });
    images.dispose();
  }
  const f = (v: number | null) => (v === null ? '–' : v.toFixed(3));
  const names = judges.map((j) => j.name);
  console.log(`| strip | n | ${names.map((n) => `${n} acc | ${n} p(target)`).join(' | ')} |`);
  console.log(`|---|---|${names.map(() => '---|---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.stem} | ${r.n} | ${r.by.map((b) => `${f(b.acc)} | ${f(b.p)}`).join(' | ')} |`);
  console.log('\nSGD − Adam, paired per tile: mean ± 95 % CI of the differences of p(target), and which is higher where the CI excludes 0 ("n.s." where it does not):\n');
  console.log(`| pair | ${names.map((n) => `${n} Δp`).join(' | ')} | ${names.map((n) => `${n} Δacc`).join(' | ')} | judges |`);
  console.log(`|---|${names.map(() => '---').join('|')}|${names.map(() => '---').join('|')}|---|`);
  const word = { 1: 'SGD', [-1]: 'Adam', 0: 'n.s.' } as Record<number, string>;
  for (const sgd of rows.filter((r) => r.stem.includes('-sgd'))) {
    const adam = rows.find((r) => r.stem === sgd.stem.replace('-sgd', '-adam'));
    if (!adam) continue;
    const d = sgd.by.map((b, k) => pairedDifference(b.perImage, adam.by[k].perImage));
    const dAcc = sgd.by.map((b, k) => (b.acc ?? 0) - (adam.by[k].acc ?? 0));
    const signs = new Set(d.map((x) => x.sign));
    // Opposite significant orderings flip; one significant and one not is a verdict only one judge supports.
    const verdict = signs.has(1) && signs.has(-1) ? '**flip**' : signs.size > 1 ? '**one judge only**' : 'agree';
    const cell = (x: { mean: number; ci95: number; sign: number }) => `${x.mean >= 0 ? '+' : ''}${x.mean.toFixed(3)} ± ${x.ci95.toFixed(3)} (${word[x.sign]})`;
    console.log(`| ${sgd.stem} vs -adam | ${d.map(cell).join(' | ')} | ${dAcc.map((x) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`).join(' | ')} | ${verdict} |`);
  }
  console.log(`\n(tensors left: ${tf.memory().numTensors}, the two judges' weights)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
