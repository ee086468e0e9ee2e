import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../../lib/paths';
import type { PaperClaim, PaperId } from '../../../lib/eval/claims/types';
import { CLAIMS as P000 } from '../../../lib/eval/claims/papers/p000';
import { CLAIMS as P001 } from '../../../lib/eval/claims/papers/p001';
import { CLAIMS as P002 } from '../../../lib/eval/claims/papers/p002';
import { CLAIMS as P003 } from '../../../lib/eval/claims/papers/p003';
import { CLAIMS as P004 } from '../../../lib/eval/claims/papers/p004';

/** Each inventory under the paper id its file is named after. */
const INVENTORIES: Record<PaperId, PaperClaim[]> = { '000': P000, '001': P001, '002': P002, '003': P003, '004': P004 };
const all = (): PaperClaim[] => Object.values(INVENTORIES).flat();

// The papers' texts live beside the clone (CI has them there); MNIST_LAB_PAPERS points elsewhere.
const papersDir = process.env.MNIST_LAB_PAPERS
  ? path.resolve(process.env.MNIST_LAB_PAPERS)
  : path.join(projectRoot(), '..', 'shared', 'papers');
const papersMissing = fs.existsSync(papersDir)
  ? false
  : `the papers' texts are expected in ${papersDir} (beside the clone); set MNIST_LAB_PAPERS to their folder to run this check`;

/** Extraction breaks lines and doubles blanks arbitrarily: compare with every whitespace run as one space. */
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const occursIn = (text: string, value: string): boolean => squash(text).includes(squash(value));

function paperText(id: PaperId): string {
  const files = fs.readdirSync(papersDir).filter((f) => f.startsWith(`${id}_`) && f.endsWith('.txt'));
  assert.equal(files.length, 1, `expected one ${id}_*.txt in ${papersDir}, found ${files.length} (${files.join(', ')})`);
  return fs.readFileSync(path.join(papersDir, files[0]), 'utf8');
}

test('every paper has an inventory, and each claim sits in its own paper\'s file', () => {
  for (const [id, claims] of Object.entries(INVENTORIES)) {
    assert.ok(claims.length > 0, `lib/eval/claims/papers/p${id}.ts lists no claim`);
    for (const c of claims) {
      assert.equal(c.paper, id, `${c.id} is in p${id}.ts but says paper '${c.paper}'`);
      assert.ok(c.id.startsWith(`${id}-`), `${c.id} in p${id}.ts must start with '${id}-'`);
    }
  }
});

test('ids are well formed (<paper>-<lower-case slug>) and unique across all papers', () => {
  const seen = new Set<string>();
  for (const c of all()) {
    assert.match(c.id, /^\d{3}-[a-z0-9]+(-[a-z0-9]+)*$/, `bad claim id '${c.id}': use <paper>-<words-in-lower-case>`);
    assert.ok(!seen.has(c.id), `claim id '${c.id}' occurs twice`);
    seen.add(c.id);
  }
});

test('every claim says where and what; every not-attempted claim says why, every attempted one names its notebook', () => {
  for (const c of all()) {
    assert.ok(c.where.trim().length > 0, `${c.id}: empty 'where'`);
    assert.ok(c.statement.trim().length >= 20, `${c.id}: the statement '${c.statement}' is too short to be the paper's claim`);
    assert.ok(c.paperValue === null || c.paperValue.trim().length > 0, `${c.id}: paperValue is empty; use null for a qualitative claim`);
    if (c.attempted) {
      assert.ok(c.notebook !== null, `${c.id}: attempted but no notebook measures it`);
      assert.equal(c.reason, undefined, `${c.id}: attempted, so it needs no reason ('${c.reason}')`);
    } else {
      // A reason has to say something specific: what is missing and where.
      assert.ok((c.reason ?? '').trim().length >= 40, `${c.id}: not attempted, so its reason must say why (got '${c.reason ?? ''}')`);
    }
  }
});

test('every notebook a claim names exists in notebooks/', () => {
  const notebooks = fs.readdirSync(path.join(projectRoot(), 'notebooks')).filter((f) => f.endsWith('.ipynb'));
  for (const c of all()) {
    if (c.notebook === null) continue;
    const found = notebooks.filter((f) => f.startsWith(`${c.notebook}-`));
    assert.equal(found.length, 1, `${c.id}: notebook '${c.notebook}' matches ${found.length} of notebooks/*.ipynb (${notebooks.join(', ')})`);
  }
});

test('the whitespace-blind match finds values across line breaks and rejects what is not there', () => {
  const text = 'achieving validation\naccuracy of 95.7% and  99.8%,\trespectively';
  assert.ok(occursIn(text, 'accuracy of 95.7%'));
  assert.ok(occursIn(text, '95.7% and 99.8%, respectively'));
  assert.ok(!occursIn(text, '95.8%'));
  assert.ok(!occursIn(text, '99.8 %'));
});

test('every paperValue occurs in its paper\'s text (whitespace normalised)', { skip: papersMissing }, () => {
  for (const [id, claims] of Object.entries(INVENTORIES) as [PaperId, PaperClaim[]][]) {
    const text = paperText(id);
    for (const c of claims) {
      if (c.paperValue === null) continue;
      assert.ok(occursIn(text, c.paperValue), `${c.id}: paperValue '${c.paperValue}' does not occur in ${id}_*.txt; copy it exactly as printed`);
    }
  }
});
