/**
 * What every tool returns to the agent loop. Tools never throw: a failure is a result with `isError: true` and a
 * message the model can read and act on (it becomes a `tool_result` block with `is_error`).
 */
export interface ToolResult {
  content: string;
  isError: boolean;
}

export function ok(content: string): ToolResult {
  return { content, isError: false };
}

export function fail(content: string): ToolResult {
  return { content, isError: true };
}

/** Turns a zod error into one line the model can fix its input from. */
export function describeInputError(tool: string, issues: { path: PropertyKey[]; message: string }[]): string {
  const parts = issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ` : '') + i.message);
  return `Error: invalid input for ${tool}: ${parts.join('; ')}`;
}
