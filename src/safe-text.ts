/**
 * Text a model may have written (goals, summaries, errors, output tails, transcripts, diffs), made safe to show or
 * store: every control character a terminal or git would act on — C0 but newline and tab, DEL, C1 — becomes U+FFFD,
 * so no escape sequence can clear the screen, rewrite a line with a fake verdict or set the clipboard (OSC 52), and
 * no NUL reaches a commit message. The one definition; every printer and the commit message use it.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Multi-line text: newlines and tabs kept. */
export function safeText(text: string): string {
  return text.replace(CONTROL, '\ufffd');
}

/** One line: runs of line breaks and tabs become one space, then as safeText. */
export function safeLine(text: string): string {
  return safeText(text.replace(/[\r\n\t]+/g, ' '));
}
