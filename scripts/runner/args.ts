/** The runner's command line, checked with lib/settings.ts: a bad flag or variable names itself and the fix. */
import * as os from 'os';
import * as path from 'path';
import { envProfile, fromFlag, parsePositiveInt, parseProfile, Profile, PROFILES, SettingError } from '../../lib/settings';

export interface RunnerOptions {
  profile: Profile;
  /** Set when --profile overrode a different MNIST_LAB_PROFILE: said once at the start. */
  profileNote?: string;
  figures?: string;
  /** The folder holding the notebooks (default notebooks/); it needs the lib link notebooks/lib has. */
  notebooks: string;
  timeout: number;
  twice: boolean;
  jobs: number;
  names: string[];
}

const USAGE = `use --profile ${PROFILES.join('|')}, --figures DIR, --notebooks DIR, --timeout SECONDS, --twice, --jobs N`;

export function parseArgs(argv: string[], root: string, env: NodeJS.ProcessEnv = process.env): RunnerOptions {
  let profileFlag: string | undefined;
  let figures: string | undefined;
  let notebooks = path.join(root, 'notebooks');
  let timeout = 1800;
  let twice = false;
  let jobs = Math.min(2, os.cpus().length);
  const names: string[] = [];
  const value = (i: number): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new SettingError(`${argv[i]} needs a value; ${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--profile') profileFlag = value(i++);
    else if (a === '--figures') figures = path.resolve(value(i++));
    else if (a === '--notebooks') notebooks = path.resolve(value(i++));
    else if (a === '--timeout') timeout = parsePositiveInt(value(i++), fromFlag(a), 'give the seconds one notebook may take, e.g. --timeout 1800');
    else if (a === '--twice') twice = true;
    else if (a === '--jobs') jobs = parsePositiveInt(value(i++), fromFlag(a), 'give how many notebooks run at once, e.g. --jobs 2');
    else if (a.startsWith('--')) throw new SettingError(`unknown option ${a}; ${USAGE}`);
    else names.push(a);
  }
  // The flag wins over the variable (npm scripts pass one); the variable is still checked.
  const fromVar = envProfile(env);
  const profile = profileFlag === undefined ? fromVar : parseProfile(profileFlag, fromFlag('--profile'));
  const profileNote = profileFlag !== undefined && env.MNIST_LAB_PROFILE && profile !== fromVar ? `--profile ${profile} overrides MNIST_LAB_PROFILE=${env.MNIST_LAB_PROFILE}` : undefined;
  return { profile, profileNote, figures, notebooks, timeout, twice, jobs, names };
}
