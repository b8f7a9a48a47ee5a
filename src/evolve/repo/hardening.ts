/**
 * The one definition of how evolve runs git on anything a candidate may have written (the runner's own git, adopt,
 * clean, show --diff). Git is a program that runs other programs: hooks, fsmonitor, filter drivers (smudge, clean,
 * process — LFS among them), textconv and external diff drivers, credential helpers, and it fetches from promisor
 * remotes on its own. A candidate names drivers in its `.gitattributes`; the user's global config (`git lfs install`)
 * defines them. So:
 *  - no global, system or XDG config is read, and HOME points nowhere: what a driver name means is never looked up
 *    (the target's own `.git/config` is the user's and still applies, minus the switches below);
 *  - hooks, fsmonitor, the untracked cache, external diff drivers and the global attributes file are switched off;
 *  - no transport protocol is allowed, so nothing reaches the network (a partial clone's lazy fetch included);
 *  - the runner never lets git read or write a workspace's files at all (src/evolve/repo/git.ts hashes them with
 *    `hash-object --no-filters` and writes checkouts from `cat-file`), so in-tree attributes have nothing to act on.
 * The calls that talk to a remote the user named (`--push`, and a queued run's `--remote`: push, fetch, ls-remote)
 * are the only ones with `network: true`: they keep the user's HOME and global config (their credentials) and their
 * protocols, and touch no working tree.
 */

/** Where HOME points for git: a path that does not exist, so no `~/.gitconfig`, `~/.config/git/*` is found. */
export const NEUTRAL_HOME = '/nonexistent/evolve-git-home';

const ALWAYS = [
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.fsmonitor=false',
  '-c', 'core.untrackedCache=false',
  '-c', 'core.attributesFile=/dev/null',
  '-c', 'core.quotePath=false',
  '-c', 'diff.external=',
];
const OFFLINE = ['-c', 'protocol.allow=never'];

/** The `-c` switches that go before every git subcommand. */
export function hardenedGitArgs(options: { network?: boolean } = {}): string[] {
  return options.network ? [...ALWAYS] : [...ALWAYS, ...OFFLINE];
}

/**
 * The environment git runs with: `base` (the runner's) minus every GIT_* variable (each could point git at another
 * repository, config or program) and, offline, XDG_CONFIG_HOME, with no config but the repository's own, no prompts, and
 * messages in English (the runner reads some of them).
 */
export function hardenedGitEnv(options: { network?: boolean } = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('GIT_') && (options.network || k !== 'XDG_CONFIG_HOME')) env[k] = v;
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_ATTR_NOSYSTEM = '1';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.LC_ALL = 'C';
  if (!options.network) {
    env.GIT_CONFIG_GLOBAL = '/dev/null';
    env.HOME = NEUTRAL_HOME;
  }
  return env;
}
