import type { Command } from 'commander';

/**
 * The options the commands that read lineage.db share. Only commander's types here: every command registers its
 * flags at start-up, so what they import is paid by all of them (`evolve --help` too); what a command does is
 * loaded when it runs (see commands.ts).
 */
export const DEFAULT_DB = './lineage.db';

export function addDbOption(command: Command): Command {
  return command.option('--db <file>', 'the lineage database', DEFAULT_DB);
}

export function addRunOption(command: Command): Command {
  return command.option('--run <id>', 'the run id (default: the latest run)');
}

export function addVerboseOption(command: Command): Command {
  return command.option('--verbose', 'explain errors in full');
}
