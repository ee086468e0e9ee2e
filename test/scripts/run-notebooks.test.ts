import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';

const nb = path.join('notebooks', '98-throwing.ipynb');
const made = [nb, path.join('notebooks', '97-a.ipynb'), path.join('notebooks', '97-b.ipynb')];
after(() => {
  for (const f of made) {
    fs.rmSync(f, { force: true });
    fs.rmSync(path.join('notebooks', '.executed', path.basename(f)), { force: true });
  }
});

const cell = (i: number, source: string) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source });

test('a notebook with a throwing cell makes the runner exit non-zero with that cell\'s number and message', () => {
  fs.writeFileSync(nb, JSON.stringify({
    cells: [cell(0, 'const a = 1;'), cell(1, "throw new Error('the real message: check your data');"), cell(2, 'console.log("never")')],
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4, nbformat_minor: 5,
  }));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/run-notebooks.ts', '98'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /98-throwing\.ipynb failed .* cell 2 failed/);
  assert.match(r.stdout, /Error: the real message: check your data/);
  assert.match(r.stdout, /notebooks: 0 passed, 1 failed/);
});

test('--jobs 2 runs notebooks side by side and a runs_after_others notebook after them', () => {
  // 97-a writes a mark after 3 s; 97-b (runs after others) must see it, although it sorts after 97-a
  // only by name: with 2 jobs both would otherwise start at once.
  const mark = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'jobs-')), 'a-done');
  const book = (cells: string[], meta: object = {}) => JSON.stringify({
    cells: cells.map((c, i) => cell(i, c)),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, ...meta },
    nbformat: 4, nbformat_minor: 5,
  });
  fs.writeFileSync(made[1], book([`await new Promise((r) => setTimeout(r, 3000)); require('fs').writeFileSync(${JSON.stringify(mark)}, 'x');`]));
  fs.writeFileSync(made[2], book([`if (!require('fs').existsSync(${JSON.stringify(mark)})) throw new Error('ran before 97-a finished');`], { mnist_lab: { runs_after_others: true } }));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/run-notebooks.ts', '--jobs', '2', '97-a', '97-b'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /notebooks: 2 passed, 0 failed, \d+ s wall with 2 at a time/);
});
