/** `evolve adopt <candidate-id>` and `evolve clean`: what users do after a run (src/cli/actions/adopt.ts, clean.ts). */
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { addDbOption, addRunOption, addVerboseOption } from './options.ts';
import { plural } from '../plural.ts';

// What the commands do (git, the store) is loaded when one of them runs, not when the program starts.
const load = async () => ({ ...await import('./db-option.ts'), ...await import('./actions/adopt.ts'), ...await import('./actions/clean.ts') });

export function registerAdopt(program: Command): void {
  addVerboseOption(addDbOption(program
    .command('adopt <candidate-id>')
    .description("bring a candidate's code (without agent_context.json) into your repository: a new branch, or a commit here")
    .option('--here', 'commit it on the current branch (three-way merge onto HEAD) instead of a new branch')
    .option('--branch <name>', 'name of the new branch (default: evolve-adopt/<candidate-id>)')))
    .action(async (id: string, opts: { db: string; here?: boolean; branch?: string }) => {
      if (opts.here && opts.branch) throw new UsageError('--here and --branch do not go together');
      const { adoptCandidate, resolveCandidate, withReader, writeOutput } = await load();
      const { run, candidate } = withReader(opts.db, (store) => {
        const candidate = resolveCandidate(store, id);
        const run = store.getRun(candidate.run_id);
        if (!run) throw new UsageError(`run ${candidate.run_id} of ${candidate.id} is missing from ${opts.db}`);
        return { run, candidate };
      });
      const r = adoptCandidate(run, candidate, { here: opts.here === true, branch: opts.branch });
      writeOutput(r.mode === 'branch'
        ? `adopted ${candidate.id} as branch ${r.branch} (${r.commit.slice(0, 10)}, ${files(r.files)} changed from the seed); try: git switch ${r.branch}\n`
        : r.mode === 'unchanged'
          ? `${r.branch} already has the change of ${candidate.id}: nothing to adopt\n`
          : `adopted ${candidate.id} onto ${r.branch} as ${r.commit.slice(0, 10)} (${files(r.files)} changed)\n`);
    });
}

export function registerClean(program: Command): void {
  addVerboseOption(addRunOption(addDbOption(program
    .command('clean')
    .description("remove a run's workspaces (default: the latest run) and, with --branches, its branches")
    .option('--branches', 'also delete the run\'s branches evolve/<run-id>/…')
    .option('--dry-run', 'only say what would be removed')
    .option('--force', 'clean a run that is still marked running (e.g. after a crash you will not resume)'))))
    .action(async (opts: { db: string; run?: string; branches?: boolean; dryRun?: boolean; force?: boolean }) => {
      const { applyClean, describeClean, planClean, resolveRun, withReader, writeOutput } = await load();
      const run = withReader(opts.db, (store) => resolveRun(store, opts.run));
      if (run.status === 'running' && !opts.force) {
        throw new UsageError(`run ${run.id} is marked running: stop it (or resume it later); pass --force to clean it anyway`);
      }
      const plan = planClean(run, opts.branches === true);
      const lines = describeClean(run, plan);
      const verb = opts.dryRun ? 'would remove' : 'removing';
      if (lines.length === 0) {
        const kept = opts.branches ? 0 : planClean(run, true).branches.length;
        writeOutput(`nothing to remove for run ${run.id}${kept ? ` (its ${plural(kept, 'branch', 'branches')} ${kept === 1 ? 'stays' : 'stay'}; --branches removes ${kept === 1 ? 'it' : 'them'})` : ''}\n`);
      }
      for (const line of lines) writeOutput(`${verb}: ${line}\n`);
      if (!opts.dryRun) applyClean(run, plan);
    });
}

const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;
