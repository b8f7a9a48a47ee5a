/**
 * The environment a jailed command sees is built from an allowlist, never inherited: the runner's process holds the
 * real API key, and bwrap's own init keeps its parent's environment in /proc/1/environ, so bwrap itself must be
 * spawned with this clean environment (see spawn.ts).
 */

/** Names that look like credentials. Dropped from anything inherited; only an explicit extra may carry one. */
export function isSecretName(name: string): boolean {
  return /(_KEY|_TOKEN|_SECRET|_PASSWORD)$/i.test(name) || /^ANTHROPIC_/i.test(name) || /^(KEY|TOKEN|SECRET|PASSWORD)$/i.test(name);
}

/** Variables copied from the runner's environment when present; nothing else is inherited. */
const INHERITED = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'] as const;

export const JAIL_HOME = '/tmp/home';
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The environment for a jailed command: PATH, LANG, TZ from `base` (the runner's environment by default),
 * HOME inside the jail's private /tmp, a dumb terminal, then the caller's `extra` verbatim (the runner passes the
 * per-candidate token as ANTHROPIC_API_KEY and the EVOLVE_* inputs there).
 */
export function jailEnv(
  extra: Record<string, string | undefined> = {},
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= DEFAULT_PATH;
  env.LANG ??= 'C.UTF-8';
  env.HOME = JAIL_HOME;
  env.TERM = 'dumb';
  env.PAGER = 'cat';
  env.GIT_PAGER = 'cat';
  env.GIT_TERMINAL_PROMPT = '0';
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * For tools that run without a jail of their own (the bash tool runs inside the candidate's jail): the given
 * environment minus credentials and the variables that make bash or node run code at start-up.
 */
export function scrubEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || isSecretName(name)) continue;
    if (name === 'BASH_ENV' || name === 'ENV' || name === 'NODE_OPTIONS' || name.startsWith('BASH_FUNC_')) continue;
    out[name] = value;
  }
  return out;
}
