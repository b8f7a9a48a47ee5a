/** Secrets never stored: the real key, every candidate token, and anything shaped like an Anthropic key. */
const KEY_SHAPE = /sk-ant-[A-Za-z0-9_-]{6,}/g;
export const REDACTED = '[redacted]';

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string): void {
    if (secret.length >= 8) this.secrets.add(secret);
  }

  string(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out.replace(KEY_SHAPE, REDACTED);
  }

  /** A deep copy of a JSON value with every string (keys included) redacted. */
  json(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.string(value);
    if (value === null || typeof value !== 'object' || depth > 100) return value;
    if (Array.isArray(value)) return value.map((v) => this.json(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[this.string(k)] = this.json(v, depth + 1);
    return out;
  }
}
