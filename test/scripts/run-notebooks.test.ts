import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';

const nb = path.join('notebooks', '98-throwing.ipynb');
after(() => {
  fs.rmSync(nb, { force: true });
  fs.rmSync(path.join('notebooks', '.executed', '98-throwing.ipynb'), { force: true });
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
