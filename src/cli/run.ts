/**
 * `evolve [run]`: the main job (contract 1). Flags and the config file are validated once here (src/cli/config.ts);
 * src/evolve/launch.ts checks the target and the environment before anything is created, then runs.
 */
import { Command, Option } from 'commander';
import { PlainProgress, type RunObserver } from '../evolve/observer.ts';

/** Optional live view: the TUI room registers a factory here; without one (or without a TTY) lines go to stderr. */
export type TuiFactory = (opts: { db: string }) => RunObserver;
let tuiFactory: TuiFactory | null = null;
export function setTuiFactory(factory: TuiFactory | null): void {
  tuiFactory = factory;
}

/**
 * DEFAULT_MAX_CONCURRENCY of src/evolve/config.ts, for the help text: importing that module here would load the
 * runner's option schemas (zod) into every command's start-up. test/structure/startup.test.ts keeps the two equal.
 */
export const HELP_MAX_CONCURRENCY = 8;

export function registerRun(program: Command): void {
  program
    .command('run', { isDefault: true })
    .description('(the default command: `evolve --population …` is `evolve run --population …`) evolve the target: fork children from the survivors each generation, judge them, keep the best')
    .option('--population <n>', 'children per generation')
    .option('--generations <n>', 'number of generations after the seed')
    .option('--target <repo>', 'the git checkout to evolve (default: .)')
    .option('--db <file>', 'the lineage database (default: ./lineage.db)')
    .option('--workdir <dir>', 'where workspaces go (default: <target\'s parent>/.evolve-work/<target\'s name>)')
    .option('--config <file>', 'options file (default: <target>/evolve.config.json when present)')
    .option('--survivors <k>', 'top-k survivors per generation (default: half the population, rounded up)')
    .option('--concurrency <n>', `children running at once (default: the population, at most ${HELP_MAX_CONCURRENCY})`)
    .option('--judge-concurrency <n>', 'candidates built and tested at once, apart from the agents (default: half the cores)')
    .option('--allow-failing-seed', 'start even when the seed\'s own build or tests fail (fixing it is then the goal)')
    .addOption(new Option('--strategy <name>', 'selection strategy').choices(['top-k', 'dgm']))
    .option('--model <id>', 'the model candidates may call')
    .option('--budget-usd <x>', 'hard cap on the run\'s model spend (default: 10; "unlimited" to lift it)')
    .option('--candidate-budget-usd <x>', 'hard cap per candidate (default: 2)')
    .option('--max-turns <n>', 'agent turns per candidate (default: 40)')
    .option('--candidate-timeout <s>', 'seconds an agent may run (default: 1800)')
    .option('--build <cmd>', 'build command (default: the seed\'s package.json build script, if any)')
    .option('--test <cmd>', 'test command (default: the seed\'s package.json test script)')
    .option('--judge <cmd>', 'a user judge run after the tests pass: its last stdout line is a JSON object of metrics (docs/judge.md)')
    .option('--judge-runs <n>', 'run the judge n times and keep the median of each metric (default: 1)')
    .option('--push <remote>', 'push survivors\' branches to this remote')
    .option('--seed-goal <text>', 'the goal the first agents start from')
    .option('--agent <name|cmd>', 'the agent of every candidate: builtin, claude-code (Claude Code, found in the target\'s node_modules or on PATH) or a shell command (default: the target\'s package.json evolve.agent, else builtin)')
    .option('--no-tui', 'plain progress lines on stderr instead of the live view')
    .option('--verbose', 'more progress lines, and stack traces on errors')
    .option('--unsafe-no-sandbox', 'run candidate code WITHOUT the jail (dangerous)')
    .option('--resume [run-id]', 'continue a stopped run (the latest when no id is given)')
    .option('--queue <url>', 'run children on `evolve worker`s pulling from this Redis queue (redis://<host>:<port>)')
    .option('--listen <host:port>', 'with --queue: where the proxy takes the workers\' calls (default: 127.0.0.1, a free port)')
    .option('--proxy-url <url>', 'with --queue: the address workers are told for the proxy (default: http://<--listen>; set it behind a TLS proxy)')
    .option('--remote <git>', 'with --queue: the git remote runner and workers share (default: the target itself)')
    .action(async (_opts: Record<string, unknown>, cmd: Command) => {
      process.exitCode = await runCommand(cmd);
    });
}

async function runCommand(cmd: Command): Promise<number> {
  // The runner (git, the jail, the proxy, the queue, zod's schemas) is loaded when a run starts, not at start-up.
  const [{ parseRunOptions, readConfigFile, refuseFrozenFlags }, { launchRun }] = await Promise.all([
    import('./config.ts'), import('../evolve/launch.ts'),
  ]);
  const raw = cmd.opts();
  // Only what the user typed overrides the config file; commander's implicit defaults (e.g. tui=true) do not.
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) if (cmd.getOptionValueSource(key) === 'cli') given[key] = raw[key];
  const { config: configPath, ...flags } = given as Record<string, unknown> & { config?: string };
  refuseFrozenFlags(flags);
  const file = readConfigFile(configPath, String(flags.target ?? '.'));
  const o = parseRunOptions(flags, file);
  const live = o.tui && process.stderr.isTTY && tuiFactory;
  const observer: RunObserver = live ? tuiFactory!({ db: o.db }) : new PlainProgress((t) => process.stderr.write(t), o.verbose);
  const abort = new AbortController();
  let presses = 0;
  const onSigint = () => {
    presses++;
    if (presses > 1) process.exit(130);
    observer.log?.('stopping: no new candidates; running ones are killed (Ctrl-C again to exit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const summary = await launchRun(o, { apiKey: process.env.ANTHROPIC_API_KEY, baseUrl: process.env.ANTHROPIC_BASE_URL, observer, signal: abort.signal });
    return summary.status === 'failed' ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
