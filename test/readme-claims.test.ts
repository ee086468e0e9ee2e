import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fromRoot } from '../lib/paths';
import { main } from '../scripts/claims-summary';

// README's claims table is generated from figures/claims.csv (quick profile): regenerate it with
// `node --import tsx scripts/claims-summary.ts README.md` after a figures run.
test('README.md\'s claims table matches figures/claims.csv and the inventories', () => {
  assert.equal(main(['--check', '--profile', 'quick', '--csv', fromRoot('figures', 'claims.csv'), fromRoot('README.md')]), 0);
});
