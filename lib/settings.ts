/**
 * Every MNIST_LAB_* setting whose wrong value would otherwise be misread without a word, parsed in
 * one place for lib (profile.ts, train/background.ts) and the notebook runner alike. A bad value is
 * an error naming where it came from (`MNIST_LAB_SEED=1.5` or `--profile bogus`), what is allowed and
 * the fix. Values are trimmed; profile names are case-insensitive.
 */

/** The profiles, in order of cost. A new one is added here (and to every byProfile call). */
export const PROFILES = ['quick', 'paper'] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = 'quick';

/**
 * Seeds: lib/tensor/rng.ts reduces a seed mod 2³² (`seed >>> 0`), and lib derives further seeds by
 * adding small offsets (seed + 1, seed + 7919, …). Up to 2³¹ − 1 neither wraps, so two seeds that
 * differ never give the same run.
 */
export const SEED_MAX = 2 ** 31 - 1;
export const DEFAULT_SEED = 1234;

export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingError';
  }
}

/** Where a value came from: an environment variable or a command-line flag. */
export interface Origin {
  kind: 'env' | 'flag';
  name: string;
}
export const fromEnv = (name: string): Origin => ({ kind: 'env', name });
export const fromFlag = (name: string): Origin => ({ kind: 'flag', name });

const quote = (o: Origin, raw: string): string => (o.kind === 'env' ? `${o.name}=${raw}` : `${o.name} ${raw}`);
/** "set it to X" for a variable, "use --flag X" for a flag. */
const fixWith = (o: Origin, what: string): string => (o.kind === 'env' ? `set it to ${what}` : `use ${o.name} ${what}`);
const orList = (xs: readonly string[]): string => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

export function parseProfile(raw: string, origin: Origin = fromEnv('MNIST_LAB_PROFILE')): Profile {
  const v = raw.trim().toLowerCase();
  const hit = PROFILES.find((p) => p === v);
  if (!hit) throw new SettingError(`${quote(origin, raw)} is not a profile; ${fixWith(origin, orList(PROFILES))}`);
  return hit;
}

/** A whole number ≥ 1, written as digits (no 1e3, 0x10, 2.0). `fix` says what to give instead. */
export function parsePositiveInt(raw: string, origin: Origin, fix: string): number {
  const v = raw.trim();
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new SettingError(`${quote(origin, raw)} is not a positive integer; ${fix}`);
  return n;
}

export function parseSeed(raw: string, origin: Origin = fromEnv('MNIST_LAB_SEED')): number {
  const v = raw.trim();
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n <= SEED_MAX)) {
    throw new SettingError(`${quote(origin, raw)} is not an integer from 0 to ${SEED_MAX}; ${fixWith(origin, `one (e.g. ${DEFAULT_SEED})`)}${origin.kind === 'env' ? ', or unset it' : ''}`);
  }
  return n;
}

/** An on/off variable: unset, empty or 0 is off, 1 is on; anything else ("true", "yes") is refused. */
export function parseSwitch(raw: string | undefined, origin: Origin, meaning: string): boolean {
  const v = (raw ?? '').trim();
  if (v === '' || v === '0') return false;
  if (v === '1') return true;
  throw new SettingError(`${quote(origin, raw ?? '')} is not 0 or 1; set it to 1 to ${meaning}, or unset it`);
}

type Env = Record<string, string | undefined>;
const isSet = (v: string | undefined): v is string => v !== undefined && v !== '';

export const PROFILE_ENV = 'MNIST_LAB_PROFILE';
export const SEED_ENV = 'MNIST_LAB_SEED';
export const THREADS_ENV = 'MNIST_LAB_THREADS';

export const envProfile = (env: Env = process.env): Profile => (isSet(env[PROFILE_ENV]) ? parseProfile(env[PROFILE_ENV], fromEnv(PROFILE_ENV)) : DEFAULT_PROFILE);

export const envSeed = (fallback = DEFAULT_SEED, env: Env = process.env): number => (isSet(env[SEED_ENV]) ? parseSeed(env[SEED_ENV], fromEnv(SEED_ENV)) : fallback);

/** MNIST_LAB_THREADS, or undefined when unset (then the caller's default applies). */
export const envThreads = (env: Env = process.env): number | undefined =>
  isSet(env[THREADS_ENV]) ? parsePositiveInt(env[THREADS_ENV], fromEnv(THREADS_ENV), 'set it to the threads a notebook may use (e.g. 2), or unset it to use every CPU core') : undefined;

/** The on/off variables and what "1" does. Their readers compare with '1', so "true" would mean off. */
const SWITCHES: Record<string, string> = {
  MNIST_LAB_NO_CACHE: 'retrain instead of loading .cache/models/',
  MNIST_LAB_QUIET: 'hide progress bars',
};

/** Folder and file variables: their readers take an empty value as a path, i.e. the current folder. */
const PATHS = ['MNIST_LAB_CACHE', 'MNIST_LAB_FIGURES', 'MNIST_LAB_DATA', 'MNIST_LAB_JUDGE', 'MNIST_LAB_LINALG_CACHE', 'MNIST_LAB_FONT', 'MNIST_LAB_CHROMIUM'];

/**
 * Check every setting above at once; throws one SettingError listing each bad one (a line each).
 * MNIST_LAB_BACKEND is checked where it is read (lib/backend/select.ts), with the same kind of message.
 */
export function checkSettings(env: Env = process.env): void {
  const errors: string[] = [];
  const check = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof SettingError)) throw e;
      errors.push(e.message);
    }
  };
  check(() => envProfile(env));
  check(() => envSeed(DEFAULT_SEED, env));
  check(() => envThreads(env));
  for (const [name, meaning] of Object.entries(SWITCHES)) check(() => parseSwitch(env[name], fromEnv(name), meaning));
  for (const name of PATHS) {
    if (env[name] !== undefined && env[name]!.trim() === '') errors.push(`${name} is set but empty; unset it for the default, or set it to a path`);
  }
  if (errors.length) throw new SettingError(errors.join('\n'));
}
