// Ink asks once, when it is first loaded, whether it runs in CI (the is-in-ci package reads CI and
// CONTINUOUS_INTEGRATION); if so it draws nothing until the app exits, and then only the last frame. Its chalk asks
// too (a terminal under CI=true gets no colours). evolve decides for
// itself whether to draw its live view (stdout and stdin are terminals, no --no-tui), so an inherited CI=true — a CI job
// that runs evolve inside tmux, a shell that exports CI — must not leave that terminal blank for a whole run.
//
// Whoever starts evolve (bin/evolve.mjs; the test setup for the tests that draw in-process) therefore has the two
// modules that read them (is-in-ci and chalk) loaded with those variables hidden, before anything else imports them,
// and puts them back straight after: the processes evolve starts see the environment the user gave it. Ink itself is
// loaded later, by the commands that draw (the dist bundle keeps those two modules outside it, so that Ink shares
// these instances: scripts/build.mjs).
const NAMES = ['CI', 'CONTINUOUS_INTEGRATION'];

/**
 * Runs `load` (which must run before anything loads Ink) with the CI variables hidden from the process environment,
 * and loads Ink's CI-reading modules first when they were set. Returns what `load` returned.
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
    if (Object.keys(hidden).length > 0) await Promise.all([import('is-in-ci'), import('chalk')]);
    return await load();
  } finally {
    Object.assign(process.env, hidden);
  }
}
