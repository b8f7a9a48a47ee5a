// Ink asks once, when it is first loaded, whether it runs in CI (the is-in-ci package reads CI and
// CONTINUOUS_INTEGRATION); if so it draws nothing until the app exits, and then only the last frame. evolve decides for
// itself whether to draw its live view (stdout and stdin are terminals, no --no-tui), so an inherited CI=true — a CI job
// that runs evolve inside tmux, a shell that exports CI — must not leave that terminal blank for a whole run.
//
// Whoever starts evolve (bin/evolve.mjs; the test setup for the tests that draw in-process) therefore has Ink loaded
// with those variables hidden, before anything else imports it, and puts them back straight after: the processes
// evolve starts see the environment the user gave it.
const NAMES = ['CI', 'CONTINUOUS_INTEGRATION'];

/**
 * Runs `load` (which must be what first loads Ink, directly or through a bundle) with the CI variables hidden from
 * the process environment, and loads Ink first itself when they were set. Returns what `load` returned.
 * @template T
 * @param {() => Promise<T>} load
 * @returns {Promise<T>}
 */
export async function loadOutsideCi(load) {
  const hidden = {};
  for (const name of NAMES) {
    if (process.env[name] === undefined) continue;
    hidden[name] = process.env[name];
    delete process.env[name];
  }
  try {
    if (Object.keys(hidden).length > 0) await import('ink');
    return await load();
  } finally {
    Object.assign(process.env, hidden);
  }
}
