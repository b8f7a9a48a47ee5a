import { describe, expect, it } from 'vitest';
import { buildJail, EMPTY_FILE, type PathKind } from '../../src/tools/sandbox/build.ts';
import { jailEnv, isSecretName, scrubEnv } from '../../src/tools/sandbox/env.ts';
import { defaultHidden, type JailSpec } from '../../src/tools/sandbox/spec.ts';
import { systemdScopeArgs } from '../../src/tools/sandbox/cgroup.ts';

const target = '/home/dev/proj';
const workspace = `${target}/.git/evolve/run1/c0ffee01`;

function spec(overrides: Partial<JailSpec> = {}): JailSpec {
  return {
    workspace,
    cwd: workspace,
    command: ['node', 'agent.js'],
    env: jailEnv({ ANTHROPIC_API_KEY: 'cand-token' }, { PATH: '/usr/bin', ANTHROPIC_API_KEY: 'real', HOME: '/home/dev' }),
    readOnly: [target, '/deps/node_modules'],
    writable: [],
    hide: ['/home/dev', '/home/dev/.ssh', `${target}/.env`],
    binds: [{ src: '/run/evolve/proxy.sock', dest: '/tmp/evolve/proxy.sock', readOnly: false }],
    network: 'none',
    limits: { pids: 64, memoryBytes: 1 << 28 },
    ...overrides,
  };
}

const kinds: Record<string, PathKind> = { '/home/dev': 'dir', '/home/dev/.ssh': 'dir', [`${target}/.env`]: 'file' };
const kindOf = (p: string): PathKind => kinds[p] ?? 'missing';

/** Index of the first occurrence of `flag` followed by `values`. */
function at(args: string[], flag: string, ...values: string[]): number {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag && values.every((v, k) => args[i + 1 + k] === v)) return i;
  }
  return -1;
}

describe('buildJail', () => {
  const { file, args, env } = buildJail(spec(), kindOf);

  it('runs bwrap with the namespaces, no capabilities, a new session, and death with its parent', () => {
    expect(file).toBe('bwrap');
    for (const flag of ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session']) expect(args).toContain(flag);
    expect(at(args, '--cap-drop', 'ALL')).toBeGreaterThanOrEqual(0);
    expect(args).not.toContain('--share-net');
  });

  it('binds the host read-only, then fresh /dev, /proc, /tmp and /run', () => {
    const root = at(args, '--ro-bind', '/', '/');
    expect(root).toBeGreaterThanOrEqual(0);
    for (const [flag, p] of [['--dev', '/dev'], ['--proc', '/proc'], ['--tmpfs', '/tmp'], ['--tmpfs', '/run']]) {
      expect(at(args, flag, p)).toBeGreaterThan(root);
    }
  });

  it('binds the workspace writable after the read-only target that contains it', () => {
    const targetRo = at(args, '--ro-bind', target, target);
    const ws = at(args, '--bind', workspace, workspace);
    expect(targetRo).toBeGreaterThan(at(args, '--tmpfs', '/tmp'));
    expect(ws).toBeGreaterThan(targetRo);
  });

  it('hides home before binding what lives under it, and hides files inside binds after them', () => {
    const home = at(args, '--tmpfs', '/home/dev');
    expect(home).toBeGreaterThan(0);
    expect(home).toBeLessThan(at(args, '--ro-bind', target, target));
    expect(at(args, '--ro-bind', EMPTY_FILE, `${target}/.env`)).toBeGreaterThan(at(args, '--ro-bind', target, target));
    expect(at(args, '--tmpfs', '/home/dev/.ssh')).toBeGreaterThan(home);
  });

  it('skips hidden paths that do not exist', () => {
    const { args: a } = buildJail(spec({ hide: ['/nope', '/home/dev'] }), kindOf);
    expect(a).not.toContain('/nope');
  });

  it('binds dependencies read-only and the extra binds as asked, after /tmp', () => {
    expect(at(args, '--ro-bind', '/deps/node_modules', '/deps/node_modules')).toBeGreaterThan(0);
    expect(at(args, '--bind', '/run/evolve/proxy.sock', '/tmp/evolve/proxy.sock')).toBeGreaterThan(at(args, '--tmpfs', '/tmp'));
  });

  it('creates HOME inside the private /tmp, changes to cwd, and ends with the command', () => {
    expect(at(args, '--dir', '/tmp/home')).toBeGreaterThan(at(args, '--tmpfs', '/tmp'));
    expect(at(args, '--chdir', workspace)).toBeGreaterThan(0);
    expect(args.slice(-3)).toEqual(['--', 'node', 'agent.js']);
  });

  it('passes exactly the allowlisted environment, with the candidate token and not the real key', () => {
    expect(env).toEqual({
      PATH: '/usr/bin', LANG: 'C.UTF-8', HOME: '/tmp/home', TERM: 'dumb', PAGER: 'cat', GIT_PAGER: 'cat',
      GIT_TERMINAL_PROMPT: '0', ANTHROPIC_API_KEY: 'cand-token',
    });
    expect(args.join(' ')).not.toContain('cand-token');
  });

  it('makes HOME writable wherever the caller puts it', () => {
    const withHome = (HOME: string) => buildJail(spec({ env: { PATH: '/usr/bin', HOME } }), kindOf).args;
    expect(at(withHome(`${workspace}/.home`), '--tmpfs', `${workspace}/.home`)).toBe(-1); // inside the workspace already
    expect(withHome(`${workspace}/.home`)).not.toContain('--dir');
    const elsewhere = withHome('/home/evolve');
    expect(at(elsewhere, '--tmpfs', '/home/evolve')).toBeGreaterThan(at(elsewhere, '--tmpfs', '/tmp'));
    // A HOME above the target is emptied before the target is bound back, not after (which would hide it).
    const above = withHome('/home/dev');
    expect(at(above, '--tmpfs', '/home/dev')).toBeLessThan(at(above, '--ro-bind', target, target));
  });

  it('shares the host network and binds the dependency folder writable in the npm-install variant', () => {
    const { args: a } = buildJail(spec({ network: 'host', writable: [`${workspace}/node_modules`] }), kindOf);
    expect(a.indexOf('--share-net')).toBeGreaterThan(a.indexOf('--unshare-all'));
    expect(at(a, '--bind', `${workspace}/node_modules`, `${workspace}/node_modules`)).toBeGreaterThan(at(a, '--bind', workspace, workspace));
  });

  it('orders a workspace under /tmp after the private /tmp so it is not hidden', () => {
    const ws = '/tmp/evolve-test/ws';
    const { args: a } = buildJail(spec({ workspace: ws, cwd: ws, readOnly: [], hide: [] }), kindOf);
    expect(at(a, '--bind', ws, ws)).toBeGreaterThan(at(a, '--tmpfs', '/tmp'));
  });
});

describe('jailEnv and scrubEnv', () => {
  it('inherits only the allowlist, never credentials or NODE_OPTIONS', () => {
    const env = jailEnv({}, { PATH: '/bin', AWS_SECRET_ACCESS_KEY: 'x', GITHUB_TOKEN: 'x', NODE_OPTIONS: '--require evil', ANTHROPIC_API_KEY: 'x', USER: 'me' });
    expect(Object.keys(env).sort()).toEqual(['GIT_PAGER', 'GIT_TERMINAL_PROMPT', 'HOME', 'LANG', 'PAGER', 'PATH', 'TERM']);
  });

  it('lets an explicit extra through, and removes a variable given as undefined', () => {
    expect(jailEnv({ ANTHROPIC_API_KEY: 'tok', TERM: undefined }, {}).ANTHROPIC_API_KEY).toBe('tok');
    expect(jailEnv({ TERM: undefined }, {}).TERM).toBeUndefined();
  });

  it('recognises credential names', () => {
    for (const n of ['OPENAI_API_KEY', 'GH_TOKEN', 'DB_PASSWORD', 'CLIENT_SECRET', 'ANTHROPIC_BASE_URL', 'anthropic_api_key']) {
      expect(isSecretName(n)).toBe(true);
    }
    for (const n of ['PATH', 'KEYBOARD', 'TOKENIZER_DIR', 'HOME']) expect(isSecretName(n)).toBe(false);
  });

  it('scrubs credentials and start-up hooks from an inherited environment', () => {
    expect(scrubEnv({ PATH: '/bin', X_TOKEN: 't', BASH_ENV: '/evil', NODE_OPTIONS: '-r x', 'BASH_FUNC_ls%%': '() { :; }' })).toEqual({ PATH: '/bin' });
  });
});

describe('defaultHidden', () => {
  it('hides home, root, credential files and the target .env files', () => {
    const hidden = defaultHidden({ home: '/home/dev', target: process.cwd() });
    expect(hidden).toEqual(expect.arrayContaining(['/home/dev', '/root', '/home/dev/.ssh', '/home/dev/.aws', '/home/dev/.npmrc']));
  });
});

describe('systemdScopeArgs', () => {
  it('sets the limits on a user scope and takes the session variables off before bwrap', () => {
    const args = systemdScopeArgs({ pids: 64, memoryBytes: 1024 });
    expect(args.slice(0, 3)).toEqual(['systemd-run', '--user', '--scope']);
    expect(args).toEqual(expect.arrayContaining(['TasksMax=64', 'MemoryMax=1024']));
    expect(args.slice(args.indexOf('--') + 1)).toEqual(['env', '-u', 'XDG_RUNTIME_DIR', '-u', 'DBUS_SESSION_BUS_ADDRESS']);
  });

  it("uses the system manager's scope when asked (root on a cgroup v2 server without a user manager)", () => {
    const args = systemdScopeArgs({ pids: 64, memoryBytes: 1024 }, 'system');
    expect(args.slice(0, 3)).toEqual(['systemd-run', '--system', '--scope']);
    expect(args).toEqual(expect.arrayContaining(['TasksMax=64', 'MemoryMax=1024']));
  });
});
