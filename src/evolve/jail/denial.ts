/**
 * Recognises, in a tool call the agent reported, that the jail or the editor refused something: a write to a
 * read-only file system, a path outside the workspace, a connection the empty network namespace cannot make.
 * The text is the tool's own error (the command's stderr or the editor's refusal), so a `sandbox_denied` event
 * records a real denial; the agent cannot invent one that did not look like this, and gains nothing by trying.
 */
const DENIALS: { pattern: RegExp; what: string }[] = [
  { pattern: /Read-only file system/i, what: 'write to a read-only file system' },
  { pattern: /is outside the workspace/i, what: 'editor path outside the workspace' },
  { pattern: /Operation not permitted/i, what: 'operation not permitted' },
  { pattern: /Permission denied/i, what: 'permission denied' },
  { pattern: /Network is unreachable|Could not resolve host|ENETUNREACH|EAI_AGAIN|getaddrinfo/i, what: 'network access' },
];

export function sandboxDenial(ok: boolean, summary: string): string | null {
  if (ok) return null;
  return DENIALS.find((d) => d.pattern.test(summary))?.what ?? null;
}
