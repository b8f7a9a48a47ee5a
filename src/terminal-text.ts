/**
 * Text a candidate wrote, made safe for a terminal or for a file a terminal may `cat`: every C0 and C1 control
 * character (the escape that starts a screen clear or an OSC 52 clipboard write, the 8-bit CSI U+009B, a bare CR
 * that rewrites the line) becomes U+FFFD. JSON keeps the characters but escaped, so it still parses to the same value.
 */

/** One line of display text: line breaks and tabs become a space, every other control character U+FFFD. */
export function terminalLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}

/** JSON.stringify, with the controls it leaves raw (DEL and C1, U+2028/U+2029) written as \u escapes too. */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
