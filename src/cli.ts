import { Command, CommanderError } from 'commander';
import { describeCauses, isUsageError } from './errors.ts';
import { registerCommands } from './cli/commands.ts';
import { EVOLVE_VERSION } from './home.ts';

/** Builds the commander program of contract 1. Each command lives in its own file under src/cli/. */
export function buildProgram(): Command {
  const program = new Command('evolve')
    .description('Evolve a code base with LLM coding agents on real git branches, and keep its genealogy in lineage.db.')
    .version(EVOLVE_VERSION, '--version', 'print the version of evolve')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  registerCommands(program);
  // Subcommands inherit the same behaviour: throw instead of exiting, and keep commander's own error text to us.
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeErr: () => {} });
  return program;
}

let readersMayLeave = false;
/**
 * `evolve … 2>&1 | head` or a quit `less`: a write of a progress line to a closed pipe fails with EPIPE, and
 * unhandled it killed the runner mid-run (exit 1, the run left `running`). lineage.db is the record; the lost lines
 * are only a view of it. (stdout is guarded where commands write their output: writeOutput.)
 */
function ignoreClosedPipes(): void {
  if (readersMayLeave) return;
  readersMayLeave = true;
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

/** Runs the CLI and returns the exit code: 0 done, 1 the run failed, 2 bad usage or input. */
export async function main(argv: string[]): Promise<number> {
  ignoreClosedPipes();
  const verbose = argv.includes('--verbose');
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version are not errors.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return 0;
      }
      process.stderr.write(`evolve: ${commanderMessage(err, argv, program)}\n`);
      return 2;
    }
    if (isUsageError(err)) {
      process.stderr.write(`evolve: ${err.message}\n`);
      // The line above says what to do; --verbose adds where it was raised and the cause chain behind it.
      if (verbose) process.stderr.write(describeCauses(err).join('\n') + '\n');
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`evolve: ${message}\n`);
    if (verbose) process.stderr.write(describeCauses(err).join('\n') + '\n');
    return 1;
  }
}

/** Commander's message, one line; a stray word lands on the default `run` command, so name it an unknown command. */
function commanderMessage(err: CommanderError, argv: string[], program: Command): string {
  const word = argv[2];
  // Only a word no command answers to lands on `run`; `evolve lineage extra` is lineage with one word too many.
  const known = word !== undefined && (word === 'run' || word === 'help' || program.commands.some((c) => c.name() === word));
  if (err.code === 'commander.excessArguments' && word && !word.startsWith('-') && !known) {
    return `unknown command '${word}' (see evolve --help)`;
  }
  return err.message.replace(/^error: /, '').split('\n')[0];
}
