/**
 * Two profiles: `quick` (CI, minutes on 2 CPU cores, still shows each paper's effect) and `paper`
 * (the paper's hyperparameters, for a GPU). One environment variable picks it.
 */
export type Profile = 'quick' | 'paper';

export const PROFILE_ENV = 'MNIST_LAB_PROFILE';

export function profile(): Profile {
  const v = (process.env[PROFILE_ENV] ?? 'quick').trim().toLowerCase();
  if (v !== 'quick' && v !== 'paper') {
    throw new Error(`${PROFILE_ENV}=${v} is not a profile; set it to "quick" or "paper".`);
  }
  return v;
}

/** Pick a setting by profile: byProfile({ quick: 2, paper: 20 }). */
export function byProfile<T>(choices: { quick: T; paper: T }): T {
  return choices[profile()];
}

/** The seed for a run: MNIST_LAB_SEED or the given default. */
export function seed(fallback = 1234): number {
  const v = process.env.MNIST_LAB_SEED;
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`MNIST_LAB_SEED=${v} is not an integer; unset it or give a whole number.`);
  return n;
}
