/** The prompts live in prompts/*.md beside this file; `{{name}}` placeholders are filled from a table. */
import { readFileSync } from 'node:fs';

export type PromptName = 'system' | 'decide' | 'plan' | 'modify' | 'fix' | 'finish';

export function prompt(name: PromptName, values: Record<string, string | number> = {}): string {
  const template = readFileSync(new URL(`./prompts/${name}.md`, import.meta.url), 'utf8');
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`prompt ${name}: no value for {{${key}}}`);
    return String(values[key]);
  }).trim();
}
