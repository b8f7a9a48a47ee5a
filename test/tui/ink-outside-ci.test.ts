import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const HELPER = join(import.meta.dirname, '../../bin/ink-outside-ci.mjs');

// A fresh process each time: Ink's CI check runs once per process, when Ink is first loaded.
function probe(env: Record<string, string | undefined>): { inkSawCi: boolean; ciDuringLoad: string | null; ciAfter: string | null } {
  const script = `
    const { loadOutsideCi } = await import(${JSON.stringify(HELPER)});
    const ciDuringLoad = await loadOutsideCi(async () => process.env.CI ?? null);
    const { default: inkSawCi } = await import('is-in-ci');
    console.log(JSON.stringify({ inkSawCi, ciDuringLoad, ciAfter: process.env.CI ?? null }));`;
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(import.meta.dirname, '../..'), env: childEnv, encoding: 'utf8',
  });
  return JSON.parse(out);
}

it('loads Ink outside CI mode under CI=true and gives the variable back to the rest of the process', () => {
  expect(probe({ CI: 'true', CONTINUOUS_INTEGRATION: undefined })).toEqual({ inkSawCi: false, ciDuringLoad: null, ciAfter: 'true' });
  expect(probe({ CI: undefined, CONTINUOUS_INTEGRATION: '1' })).toEqual({ inkSawCi: false, ciDuringLoad: null, ciAfter: null });
});

it('changes nothing when no CI variable is set', () => {
  expect(probe({ CI: undefined, CONTINUOUS_INTEGRATION: undefined })).toEqual({ inkSawCi: false, ciDuringLoad: null, ciAfter: null });
});
