/**
 * Git in the user's own checkout, for the commands the user runs after a run (adopt, clean). The repository is
 * the user's, but the content written into it came from candidates, so the same hardening applies (./hardening.ts):
 * no global or system config, no hooks, no fsmonitor, no drivers, no network, no prompts. The user's identity for
 * the commits adopt makes is read from their config once (reading config runs nothing) and passed explicitly.
 */
import { runProcessSync } from '../../process/sync.ts';
import { GitError } from './git.ts';
import { hardenedGitArgs, hardenedGitEnv } from './hardening.ts';

export interface TargetGit {
  (args: string[], opts?: { input?: string; env?: Record<string, string> }): string;
  tryRun(args: string[]): string | null;
}

export function targetGit(topLevel: string): TargetGit {
  let identity: Record<string, string> | undefined;
  const run = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}): { code: number | null; stdout: string; stderr: string } => {
    identity ??= userIdentity(topLevel);
    const env = { ...hardenedGitEnv(), ...identity, ...opts.env };
    const out = runProcessSync('git', [...hardenedGitArgs(), ...args], { cwd: topLevel, env, input: opts.input });
    return { code: out.truncated ? null : out.exitCode, stdout: out.stdout, stderr: out.error ?? (out.truncated ? 'output too large' : out.stderr) };
  };
  const git = ((args, opts) => {
    const out = run(args, opts);
    if (out.code !== 0) throw new GitError(`git ${args[0]} failed: ${out.stderr.trim().split('\n').pop() ?? ''}`, out.stderr, out.code);
    return out.stdout.trim();
  }) as TargetGit;
  git.tryRun = (args) => {
    const out = run(args);
    return out.code === 0 ? out.stdout.trim() : null;
  };
  return git;
}

/** The user's name and e-mail as their own git config says (all of it: global included), for the commits made. */
function userIdentity(topLevel: string): Record<string, string> {
  const env = hardenedGitEnv({ network: true });
  const read = (key: string) => {
    const out = runProcessSync('git', [...hardenedGitArgs(), 'config', '--get', key], { cwd: topLevel, env });
    return out.exitCode === 0 ? out.stdout.trim() : '';
  };
  const identity: Record<string, string> = {};
  const name = read('user.name');
  const email = read('user.email');
  if (name) identity.GIT_AUTHOR_NAME = identity.GIT_COMMITTER_NAME = name;
  if (email) identity.GIT_AUTHOR_EMAIL = identity.GIT_COMMITTER_EMAIL = email;
  return identity;
}

/** True when tracked files differ from HEAD (staged or not); untracked files are the user's and do not count. */
export function isDirty(git: TargetGit): boolean {
  return git(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no']).length > 0;
}
