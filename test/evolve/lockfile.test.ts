import { describe, expect, it } from 'vitest';
import { refuseLockfile, trustedOrigins } from '../../src/evolve/lockfile.ts';

const v3 = (packages: Record<string, unknown>) => JSON.stringify({ name: 't', lockfileVersion: 3, packages: { '': { name: 't' }, ...packages } });
const npmjs = (name: string) => ({ version: '1.0.0', resolved: `https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz`, integrity: 'sha512-x' });

describe('the lockfile check before a networked npm ci', () => {
  it("allows npm's registry, the parent's own registries, and local links", () => {
    const parent = v3({ 'node_modules/a': { version: '1.0.0', resolved: 'https://npm.internal.example/a/-/a-1.0.0.tgz' } });
    const trusted = trustedOrigins(parent);
    expect([...trusted].sort()).toEqual(['https://npm.internal.example', 'https://registry.npmjs.org']);
    expect(refuseLockfile(v3({
      'node_modules/zod': npmjs('zod'),
      'node_modules/a': { version: '1.1.0', resolved: 'https://npm.internal.example/a/-/a-1.1.0.tgz' },
      'node_modules/local': { resolved: 'packages/local', link: true },
      'packages/local': { version: '0.0.0' },
    }), trusted)).toBeNull();
  });

  it('refuses a tarball on any other host, naming the package, without fetching anything', () => {
    const why = refuseLockfile(v3({ 'node_modules/x': { version: '1.0.0', resolved: 'https://attacker.example/c2VjcmV0.tgz' } }), trustedOrigins(null));
    expect(why).toMatch(/node_modules\/x from https:\/\/attacker\.example, a registry the parent's lockfile does not use/);
  });

  it('refuses git, ssh and file sources, in v1 lockfiles too', () => {
    const trusted = trustedOrigins(null);
    expect(refuseLockfile(v3({ 'node_modules/g': { resolved: 'git+ssh://git@github.com/a/b.git#abc' } }), trusted)).toMatch(/node_modules\/g from "git\+ssh/);
    expect(refuseLockfile(v3({ 'node_modules/f': { resolved: 'file:../../etc' } }), trusted)).toMatch(/node_modules\/f/);
    const withToken = refuseLockfile(v3({ 'node_modules/t': { resolved: 'git+https://user:ghp_secret@github.com/a/b.git' } }), trusted);
    expect(withToken).toMatch(/node_modules\/t/);
    expect(withToken).not.toContain('ghp_secret');
    const v1 = JSON.stringify({ lockfileVersion: 1, dependencies: { ok: npmjs('ok'), outer: { version: '1.0.0', resolved: 'https://registry.npmjs.org/outer/-/outer-1.0.0.tgz',
      dependencies: { inner: { version: 'github:someone/thing#deadbeef' } } } } });
    expect(refuseLockfile(v1, trusted)).toMatch(/inner from "github:someone/);
  });

  it('refuses a lockfile that is not JSON', () => {
    expect(refuseLockfile('{nope', trustedOrigins(null))).toBe('the lockfile is not valid JSON');
  });
});
