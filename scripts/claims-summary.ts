/**
 * The claims table (papers × verdicts) from figures/claims.csv, written between the
 * <!-- claims:begin --> and <!-- claims:end --> lines of a markdown file.
 *
 *   node --import tsx scripts/claims-summary.ts README.md           # rewrite the table in README.md
 *   node --import tsx scripts/claims-summary.ts --check README.md   # exit 1 when it differs from the CSV
 *
 * Options: --csv FILE (default <figures>/claims.csv; MNIST_LAB_FIGURES moves it), --profile quick|paper
 * (default MNIST_LAB_PROFILE, else quick).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../lib/paths';
import { claimsFile, readClaims } from '../lib/eval/claims/ledger';
import { summaryTable, withSummary } from '../lib/eval/claims/summary';
import { envProfile, fromFlag, parseProfile } from '../lib/settings';
import { ALL_CLAIMS } from '../lib/eval/claims/inventory';

const USAGE = 'usage: node --import tsx scripts/claims-summary.ts [--check] [--csv FILE] [--profile quick|paper] FILE.md';

/** Exit code: 0 written or up to date, 1 the file's table differs from the CSV (--check), 2 bad arguments (or a throw). */
export function main(argv: string[]): number {
  const args = [...argv];
  const take = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value; ${USAGE}`);
    args.splice(i, 2);
    return v;
  };
  const check = args.includes('--check');
  if (check) args.splice(args.indexOf('--check'), 1);
  const csv = take('--csv') ?? claimsFile();
  const flagProfile = take('--profile');
  const profile = flagProfile !== undefined ? parseProfile(flagProfile, fromFlag('--profile')) : envProfile();
  if (args.length !== 1 || args[0].startsWith('--')) {
    console.error(`give one markdown file (got ${args.length ? args.join(' ') : 'none'}); ${USAGE}`);
    return 2;
  }
  const doc = path.resolve(args[0]);
  if (!fs.existsSync(csv)) {
    console.error(`${csv} does not exist; run the notebooks that record claims first (npm run figures), or pass --csv FILE.`);
    return 2;
  }
  const before = fs.readFileSync(doc, 'utf8');
  const after = withSummary(before, summaryTable(readClaims(csv), profile, ALL_CLAIMS), doc);
  if (check) {
    if (after === before) return 0;
    console.error(`${doc}: the claims table differs from ${csv} (profile ${profile}); regenerate it: node --import tsx scripts/claims-summary.ts ${args[0]}`);
    return 1;
  }
  if (after !== before) writeFileAtomic(doc, after);
  console.log(`${after === before ? 'up to date' : 'wrote'}: the claims table in ${doc} (profile ${profile}, ${csv})`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    // A bad flag, CSV or markdown file: 2, so that --check's 1 means drift only.
    console.error((e as Error).message);
    process.exitCode = 2;
  }
}
