import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { oneRun } from '../../../lib/eval/claims/intervals';
import { notAttemptedRows, readClaims, recordClaim, upsertClaimRows } from '../../../lib/eval/claims/ledger';
import { BEGIN, END, summaryTable, withSummary } from '../../../lib/eval/claims/summary';
import { ALL_CLAIMS } from '../../../lib/eval/claims/inventory';
import { PaperClaim } from '../../../lib/eval/claims/types';
import { expectAtLeast } from '../../../lib/eval/claims/verdicts';
import { setRunContext } from '../../../lib/run-context';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-summary-'));
const csv = path.join(dir, 'claims.csv');
const readme = path.join(dir, 'README.md');
const SCRIPT = path.resolve(__dirname, '../../../scripts/claims-summary.ts');
before(() => {
  process.env.MNIST_LAB_FIGURES = dir;
  setRunContext({ notebook: 'script', profile: 'quick', seed: 1234, backend: 'cpu' });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const claim = (id: string, notebook: string | null, attempted = true): PaperClaim =>
  ({ id, paper: id.slice(0, 3) as PaperClaim['paper'], where: '§1', statement: 'a claim', paperValue: null, notebook, attempted, ...(attempted ? {} : { reason: 'not measurable here' }) });

/** The script's exit code and output, as the lab's runner would see them. */
const summary = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--csv', csv, ...args], { encoding: 'utf8', env: { ...process.env, MNIST_LAB_PROFILE: 'quick' } });
  return { code: r.status, out: r.stdout + r.stderr };
};

test('the table counts claims per paper and verdict for one profile', () => {
  const at = expectAtLeast(0.5);
  recordClaim(claim('000-a', '01'), at, oneRun(0.9), { show: false });
  recordClaim(claim('000-b', '01'), at, oneRun(0.1), { show: false });
  recordClaim(claim('003-a', '03'), at, oneRun(0.7), { show: false });
  recordClaim(claim('003-b', '03'), at, { judge: oneRun(0.9), secondJudge: oneRun(0.2) }, { show: false });
  upsertClaimRows(notAttemptedRows([claim('003-c', null, false)]));
  setRunContext({ notebook: 'script', profile: 'paper', seed: 1234, backend: 'cpu' });
  recordClaim(claim('003-a', '03'), at, oneRun(0.1), { show: false });
  setRunContext({ notebook: 'script', profile: 'quick', seed: 1234, backend: 'cpu' });
  const table = summaryTable(readClaims(csv), 'quick').split('\n');
  assert.deepEqual(table.slice(2), [
    '| paper | notebook | reproduced | partly reproduced | not reproduced | inconclusive | judge-dependent | not attempted | total |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    '| 000 | 01 | 1 | 0 | 1 | 0 | 0 | 0 | 2 |',
    '| 003 | 03 | 1 | 0 | 0 | 0 | 1 | 1 | 3 |',
    '| **all** |  | **2** | **0** | **1** | **0** | **1** | **1** | **5** |',
  ]);
  assert.match(table[0], /profile `quick`/);
  // With the inventories: attempted claims no notebook recorded yet get their own column, per paper.
  const withInventory = summaryTable(readClaims(csv), 'quick', [claim('003-a', '03'), claim('003-z', '03'), claim('004-q', '04')]).split('\n');
  assert.deepEqual(withInventory.slice(4), [
    '| 000 | 01 | 1 | 0 | 1 | 0 | 0 | 0 | 0 | 2 |',
    '| 003 | 03 | 1 | 0 | 0 | 0 | 1 | 1 | 1 | 4 |',
    '| 004 | — | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 1 |',
    '| **all** |  | **2** | **0** | **1** | **0** | **1** | **1** | **2** | **7** |',
  ]);
  assert.match(summaryTable(readClaims(csv), 'paper'), /\| 003 \| 03 \| 0 \| 0 \| 1 \| 0 \| 0 \| 0 \| 1 \|/);
  assert.equal(withSummary(`# t\n${BEGIN}\nold\n${END}\nrest\n`, 'T', 'x.md'), `# t\n${BEGIN}\nT\n${END}\nrest\n`);
  assert.throws(() => withSummary('# no markers\n', 'T', 'x.md'), /x.md has no <!-- claims:begin --> … <!-- claims:end --> block; add the two marker lines/);
});

test('claims-summary writes the table between the markers; --check passes, then fails when the CSV drifts', () => {
  fs.writeFileSync(readme, `# Lab\n\nintro\n\n${BEGIN}\n${END}\n\n## After\ntext\n`);
  assert.equal(summary('--check', readme).code, 1, 'an empty block differs from the CSV');
  const w = summary(readme);
  assert.equal(w.code, 0, w.out);
  const written = fs.readFileSync(readme, 'utf8');
  assert.ok(written.startsWith('# Lab\n\nintro\n\n<!-- claims:begin -->\nClaims per paper'));
  assert.match(written, /\| \*\*all\*\* \|[^\n]*\|\n<!-- claims:end -->\n\n## After\ntext\n$/);
  assert.equal(written, withSummary(written, summaryTable(readClaims(csv), 'quick', ALL_CLAIMS), readme), 'the block is the table of the CSV and the inventories');
  assert.equal(summary('--check', readme).code, 0);
  assert.match(summary(readme).out, /up to date/);
  assert.equal(fs.readFileSync(readme, 'utf8'), written, 'writing again changes nothing');
  // The other profile's table differs from the quick one in the file.
  assert.equal(summary('--check', '--profile', 'paper', readme).code, 1);

  // A claim's verdict changes in the CSV: the README is stale.
  recordClaim(claim('000-b', '01'), expectAtLeast(0.5), oneRun(0.8), { show: false });
  const drift = summary('--check', readme);
  assert.equal(drift.code, 1);
  assert.match(drift.out, /the claims table differs from .*claims\.csv \(profile quick\); regenerate it: node --import tsx scripts\/claims-summary\.ts /);
  assert.equal(summary(readme).code, 0);
  assert.match(fs.readFileSync(readme, 'utf8'), /\| 000 \| 01 \| 2 \| 0 \| 0 \|/);
});

test('claims-summary: bad arguments exit 2 with the fix', () => {
  const noMarkers = path.join(dir, 'plain.md');
  fs.writeFileSync(noMarkers, '# nothing\n');
  const m = summary('--check', noMarkers);
  assert.equal(m.code, 2);
  assert.match(m.out, /has no <!-- claims:begin --> … <!-- claims:end --> block; add the two marker lines/);
  const p = summary('--profile', 'fast', readme);
  assert.equal(p.code, 2);
  assert.match(p.out, /--profile fast is not a profile; use --profile quick or paper/);
  assert.match(summary().out, /give one markdown file \(got none\); usage:/);
  const missing = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--csv', path.join(dir, 'none.csv'), readme], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /none\.csv does not exist; run the notebooks that record claims first/);
});
