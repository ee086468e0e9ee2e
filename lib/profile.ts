/**
 * Profiles: `quick` (CI, minutes on 2 CPU cores, still shows each paper's effect) and `paper` (the
 * paper's hyperparameters, for a GPU). One environment variable picks it; the names, the seed's
 * range and every other setting's parsing live in lib/settings.ts, shared with the runner.
 */
import { checkSettings, envProfile, envSeed, Profile, PROFILE_ENV } from './settings';

export type { Profile };
export { PROFILE_ENV };

/**
 * The profile of this run (MNIST_LAB_PROFILE, any case; default quick). Every notebook's setup cell
 * asks for it first, so it is where all MNIST_LAB_* settings are checked: a bad one stops the
 * notebook there with its fix, instead of being misread by a later cell.
 */
export function profile(): Profile {
  checkSettings();
  return envProfile();
}

/** Pick a setting by profile: byProfile({ quick: 2, paper: 20 }). */
export function byProfile<T>(choices: Record<Profile, T>): T {
  return choices[profile()];
}

/** The seed for a run: MNIST_LAB_SEED (an integer from 0 to SEED_MAX) or the given default. */
export function seed(fallback?: number): number {
  return envSeed(fallback);
}
