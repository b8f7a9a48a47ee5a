/**
 * Git in the user's own checkout, for the commands the user runs after a run (adopt, clean). The repository is
 * the user's, but the content written into it came from candidates, so the same hardening applies: no system
 * config, no hooks, no fsmonitor, no external diff drivers, no prompts.
 */
import { runProcessSync } from '../../process/sync.ts';
import { GitError } from './git.ts';

const HARDENING = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'diff.external=', '-c', 'core.quotePath=false'];

export interface TargetGit {
  (args: string[], opts?: { input?: string; env?: Record<string, string> }): string;
  tryRun(args: string[]): string | null;
}

export function targetGit(topLevel: string): TargetGit {
  const run = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}): { code: number | null; stdout: string; stderr: string } => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
    Object.assign(env, { GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }, opts.env);
    const out = runProcessSync('git', [...HARDENING, ...args], { cwd: topLevel, env, input: opts.input });
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

/** True when tracked files differ from HEAD (staged or not); untracked files are the user's and do not count. */
export function isDirty(git: TargetGit): boolean {
  return git(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no']).length > 0;
}
