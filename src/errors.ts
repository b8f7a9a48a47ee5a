/**
 * Errors a user can cause (bad flags, paths, repos, config) end the program with exit code 2 and one line.
 * Everything else is a failure of the run (exit 1). `cause` chains are printed only with --verbose.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

export function isUsageError(err: unknown): err is UsageError {
  return err instanceof UsageError;
}

/** One line per link of the cause chain, for --verbose. */
export function describeCauses(err: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 10; depth++) {
    if (current instanceof Error) {
      lines.push(depth === 0 ? (current.stack ?? current.message) : `caused by: ${current.stack ?? current.message}`);
      current = (current as Error & { cause?: unknown }).cause;
    } else {
      lines.push(`caused by: ${String(current)}`);
      break;
    }
  }
  return lines;
}
