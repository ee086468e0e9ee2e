import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { checkInventory, findClaim, paperNumber } from '../../../lib/eval/claims/claim';
import { meanOverSeeds, pairedOverSeeds, bootstrapMean } from '../../../lib/eval/claims/intervals';
import { claimRowsHtml, claimsFile, notAttemptedRows, readClaims, recordClaim, upsertClaimRows } from '../../../lib/eval/claims/ledger';
import { PaperClaim } from '../../../lib/eval/claims/types';
import { expectAtLeast, expectEffect, expectNear } from '../../../lib/eval/claims/verdicts';
import { setRunContext } from '../../../lib/run-context';

// A synthetic inventory: the real ones (lib/eval/claims/papers/) are written elsewhere.
const CLAIMS: PaperClaim[] = [
  { id: '003-sgd-vs-adam', paper: '003', where: '§2.3, Figs. 2.2–2.3', statement: 'Adam-trained classifiers, "inverted", give sharper digits than SGD, on average', paperValue: null, notebook: '03', attempted: true },
  { id: '003-fgsm-accuracy', paper: '003', where: 'Table 4.1, row 2D', statement: 'FGSM training keeps test accuracy at 77.1 %', paperValue: '77.1', notebook: '03', attempted: true },
  { id: '003-judge-digits', paper: '003', where: 'Fig. 3.1', statement: 'inverted images are recognised as their digit', paperValue: null, notebook: '03', attempted: true },
  { id: '001-dinov3', paper: '001', where: '§5', statement: 'FORWARDPASSINV inverts DINOv3', paperValue: null, notebook: null, attempted: false, reason: 'DINOv3 weights are not available offline' },
];

const figures = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-ledger-'));
const context = (profile: 'quick' | 'paper', notebook = '03') => setRunContext({ notebook, profile, seed: 1234, backend: 'cpu' });
before(() => {
  process.env.MNIST_LAB_FIGURES = figures;
  context('quick');
});
after(() => fs.rmSync(figures, { recursive: true, force: true }));

const adam = [0.951234567, 0.96, 0.94, 0.97, 0.95];
const sgd = [0.91, 0.93, 0.92, 0.90, 0.94];

test('recordClaim computes the verdict, writes one row per (claim, profile), and replaces it on a rerun', () => {
  const effect = expectEffect({ direction: 'positive' });
  const row = recordClaim(CLAIMS[0], effect, pairedOverSeeds(adam, sgd));
  assert.equal(row.verdict, 'reproduced');
  assert.equal(row.judgesAgree, null);
  assert.equal(row.n, 5);
  assert.equal(row.over, 'seeds');
  assert.equal(row.rule, effect.description);
  recordClaim(CLAIMS[1], expectNear(paperNumber(CLAIMS[1]), { tolerance: 2 }), meanOverSeeds([75.0, 74.1, 74.8, 75.9, 74.6]));
  upsertClaimRows(notAttemptedRows(CLAIMS));
  const first = fs.readFileSync(claimsFile(), 'utf8');
  assert.equal(readClaims().length, 3);

  // The same measurement again: the file is rewritten byte for byte (no clock time in it).
  recordClaim(CLAIMS[0], effect, pairedOverSeeds(adam, sgd));
  assert.equal(fs.readFileSync(claimsFile(), 'utf8'), first);
  // A new measurement of the same claim and profile replaces its row, it does not add one.
  const worse = recordClaim(CLAIMS[0], effect, pairedOverSeeds(sgd, adam));
  assert.equal(worse.verdict, 'not reproduced');
  const rows = readClaims();
  assert.equal(rows.length, 3);
  assert.equal(rows.filter((r) => r.id === CLAIMS[0].id).length, 1);
  assert.equal(rows.find((r) => r.id === CLAIMS[0].id)!.verdict, 'not reproduced');
  // Another profile is another row.
  context('paper');
  recordClaim(CLAIMS[0], effect, pairedOverSeeds(adam, sgd));
  context('quick');
  const both = readClaims().filter((r) => r.id === CLAIMS[0].id);
  assert.deepEqual(both.map((r) => [r.profile, r.verdict]), [['paper', 'reproduced'], ['quick', 'not reproduced']]);
});

test('the CSV: the issue\'s columns, values rounded as every results file, read back typed', () => {
  const text = fs.readFileSync(claimsFile(), 'utf8');
  assert.equal(text.split('\n')[0], 'id,paper,where,statement,paperValue,profile,rule,value,low,high,n,n2,over,secondJudgeValue,secondJudgeLow,secondJudgeHigh,judgesAgree,verdict,note,notebook,commit');
  assert.doesNotMatch(text, /created|seconds/);
  const fgsm = readClaims().find((r) => r.id === '003-fgsm-accuracy')!;
  assert.equal(fgsm.paperValue, '77.1');
  assert.equal(fgsm.value, 74.88);
  assert.equal(fgsm.verdict, 'partly reproduced');
  assert.equal(typeof fgsm.low, 'number');
  assert.equal(fgsm.n2, null);
  assert.equal(fgsm.judgesAgree, null);
  assert.match(fgsm.commit, /^([0-9a-f]{7,}(-dirty)?|unknown)$/);
  const skipped = readClaims().find((r) => r.id === '001-dinov3')!;
  assert.deepEqual([skipped.verdict, skipped.note, skipped.value, skipped.rule, skipped.notebook], ['not attempted', 'DINOv3 weights are not available offline', null, '', '']);
  // A value in the file has at most 6 significant digits (lib/plot/csv.ts).
  const line = text.split('\n').find((l) => l.startsWith('003-sgd-vs-adam') && l.includes(',quick,'))!;
  assert.match(line, /,-0\.0342469,/, 'mean of sgd − adam, −0.03424691…, to 6 digits');
  // The statement's comma and quotes survive.
  assert.equal(readClaims().find((r) => r.id === '003-sgd-vs-adam')!.statement, CLAIMS[0].statement);
});

test('a judge-based claim keeps both judges; a flip is judge-dependent and shown in HTML', () => {
  const rule = expectAtLeast(0.9);
  const judge = bootstrapMean([0.97, 0.95, 0.99, 0.93, 0.96, 0.98, 0.94, 0.97], { seed: 3, resamples: 1000 });
  const second = bootstrapMean([0.91, 0.86, 0.95, 0.88, 0.93, 0.90, 0.84, 0.92], { seed: 3, resamples: 1000 });
  const row = recordClaim(CLAIMS[2], rule, { judge, secondJudge: second });
  assert.equal(row.verdict, 'judge-dependent');
  assert.equal(row.judgesAgree, false);
  assert.equal(row.note, 'judge: reproduced; second judge: inconclusive');
  const back = readClaims().find((r) => r.id === CLAIMS[2].id)!;
  assert.equal(back.judgesAgree, false);
  assert.ok(Math.abs(back.secondJudgeValue! - second.value) < 1e-6);
  const html = claimRowsHtml([back]);
  assert.match(html, /003-judge-digits: inverted images are recognised as their digit/);
  assert.match(html, /judge 0\.961 \[0\.\d+, 0\.\d+\] \(n = 8 images\); second judge 0\.899 \[0\.\d+, 0\.\d+\]<\/td>/);
  assert.match(html, /judge-dependent<br><small>judge: reproduced; second judge: inconclusive<\/small>/);
  assert.match(claimRowsHtml(readClaims().filter((r) => r.id === CLAIMS[0].id)), /Adam-trained classifiers, &quot;inverted&quot;/);
});

test('bad input: each error names the value and the fix', () => {
  const effect = expectEffect({ direction: 'positive' });
  assert.throws(() => recordClaim(CLAIMS[3], effect, meanOverSeeds([1, 2])), /claim 001-dinov3 is marked not attempted \(DINOv3 weights are not available offline\); set attempted: true in lib\/eval\/claims\/papers\/p001.ts/);
  context('quick', '04');
  assert.throws(() => recordClaim(CLAIMS[0], effect, meanOverSeeds([1, 2])), /measured in notebook 04, but lib\/eval\/claims\/papers\/p003.ts lists it under notebook 03; correct its notebook there/);
  context('quick');
  assert.throws(() => recordClaim(CLAIMS[0], { description: '' } as never, meanOverSeeds([1, 2])), /declare it with expectEffect, expectNear/);
  assert.throws(() => checkInventory([...CLAIMS, CLAIMS[0]]), /claim id 003-sgd-vs-adam appears twice in lib\/eval\/claims\/papers\/p003.ts/);
  assert.throws(() => checkInventory([{ ...CLAIMS[0], id: 'sgd-vs-adam' }]), /the id must be "003-<short-name>"/);
  assert.throws(() => checkInventory([{ ...CLAIMS[3], reason: undefined }]), /is not attempted and gives no reason; add reason:/);
  assert.throws(() => checkInventory([{ ...CLAIMS[0], paper: '007' as never }]), /paper "007" must be one of 000, 001, 002, 003, 004/);
  assert.throws(() => findClaim(CLAIMS, '003-nope'), /no claim "003-nope" in this inventory; the ids are: 003-sgd-vs-adam, /);
  assert.throws(() => paperNumber(CLAIMS[0]), /paper value null is not one number/);
  assert.equal(paperNumber({ ...CLAIMS[1], paperValue: '77.1 %' }), 77.1);
  // A verdict typed into the CSV by hand is refused when read.
  const file = path.join(figures, 'typed.csv');
  fs.writeFileSync(file, fs.readFileSync(claimsFile(), 'utf8').replace(',partly reproduced,', ',looks fine,'));
  assert.throws(() => readClaims(file), /claim 003-fgsm-accuracy has verdict "looks fine", not one of reproduced, .*verdicts are computed, never typed: rerun its notebook 03/);
  fs.writeFileSync(file, 'id,verdict\nx,reproduced\n');
  assert.throws(() => readClaims(file), /lacks the column\(s\) paper, where, .*delete it and rerun the notebooks/);
});

test('two processes recording at once lose no row (the file lock)', async () => {
  const { spawn } = await import('node:child_process');
  const file = path.join(figures, 'concurrent', 'claims.csv');
  const lib = path.resolve(__dirname, '../../../lib/eval/claims');
  // Each process records 40 claims of its own and one shared claim; both start at the same instant
  // (after loading), so their read-modify-writes overlap.
  const start = Date.now() + 4000;
  const script = (who: string) => `
    const { recordClaim } = require(${JSON.stringify(path.join(lib, 'ledger.ts'))});
    const { oneRun } = require(${JSON.stringify(path.join(lib, 'intervals.ts'))});
    const { expectAtLeast } = require(${JSON.stringify(path.join(lib, 'verdicts.ts'))});
    const claim = (id) => ({ id, paper: '004', where: '§1', statement: 's', paperValue: null, notebook: '04', attempted: true });
    while (Date.now() < ${start});
    for (let i = 0; i < 40; i++) recordClaim(claim('004-${who}-' + i), expectAtLeast(0), oneRun(i), { file: ${JSON.stringify(file)}, show: false });
    recordClaim(claim('004-shared'), expectAtLeast(0), oneRun(1), { file: ${JSON.stringify(file)}, show: false });`;
  const run = (who: string) => new Promise<number>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '-e', script(who)], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) => resolve(code ?? 1));
  });
  assert.deepEqual(await Promise.all([run('a'), run('b')]), [0, 0]);
  const rows = readClaims(file);
  assert.equal(rows.length, 81, '40 + 40 own rows and one shared row');
  assert.deepEqual(rows.map((r) => r.id), [...rows.map((r) => r.id)].sort(), 'rows are kept sorted by claim');
});
