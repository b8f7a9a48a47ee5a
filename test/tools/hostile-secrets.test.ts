/** Hostile suite, part 2: the API key and other secrets, and the network. */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_KEY, jailed, makeWorld, sandboxMissing, type World } from './hostile-setup.ts';

let world: World;
const KEY_TAIL = 'must-never-leak';

function expectNoSecret(text: string): void {
  expect(text).not.toContain(FAKE_KEY);
  expect(text).not.toContain(KEY_TAIL);
  expect(text).not.toContain('PRIVATE KEY');
}

describe.skipIf(sandboxMissing)('hostile: secrets', () => {
  beforeAll(() => {
    world = makeWorld();
    expect(process.env.ANTHROPIC_API_KEY).toBe(FAKE_KEY); // the runner really holds the key
  });
  afterAll(() => world?.cleanup());

  it('the environment holds the candidate token, never the real key', async () => {
    const r = await jailed(world, 'env');
    expectNoSecret(r.stdout);
    expect(r.stdout).toContain('ANTHROPIC_API_KEY=candidate-token-1234');
  });

  it('no process in the jail has the key in /proc/*/environ (bwrap init included)', async () => {
    const r = await jailed(world, 'cat /proc/1/environ; for f in /proc/[0-9]*/environ; do cat "$f"; done; echo done');
    expect(r.stdout).toContain('done');
    expect(r.stdout).toContain('HOME=/tmp/home'); // it did read them
    expectNoSecret(r.stdout);
  });

  it("the runner's processes are not visible, so their environ cannot be read", async () => {
    const r = await jailed(world, `ls /proc/${process.pid} 2>&1; cat /proc/${process.pid}/environ 2>&1; ls /proc | grep -c '^[0-9]'`);
    expectNoSecret(r.stdout);
    expect(r.stdout).toMatch(/No such file or directory/);
    expect(Number(r.stdout.trim().split('\n').pop())).toBeLessThan(10);
  });

  it("cannot read the target's .env files", async () => {
    const r = await jailed(world, `cat ${world.target}/.env; grep -r ANTHROPIC ${world.target} 2>/dev/null; echo done`);
    expect(r.stdout).toContain('done');
    expectNoSecret(r.stdout + r.stderr);
  });

  it('cannot read ~/.ssh, ~/.aws, ~/.npmrc or a key file in the home', async () => {
    const h = world.home;
    const r = await jailed(world, `ls -la ${h} ${h}/.ssh; cat ${h}/.ssh/id_ed25519 ${h}/.aws/credentials ${h}/.npmrc ${h}/.anthropic/key; grep -rs . ${h}; echo done`);
    expect(r.stdout).toContain('done');
    expectNoSecret(r.stdout + r.stderr);
  });

  it("cannot read root's real home", async () => {
    const r = await jailed(world, 'ls -A /root | wc -l; cat /root/.gitconfig /root/.bash_history 2>&1; echo done');
    expect(r.stdout.split('\n')[0]).toBe('0');
    expect(r.stdout).toContain('done');
  });

  it('has no network interface but loopback', async () => {
    const r = await jailed(world, "awk 'NR>2 {print $1}' /proc/net/dev");
    expect(r.stdout.trim()).toBe('lo:');
  });

  describe('a server on the host loopback', () => {
    let server: Server;
    let port = 0;
    let hits = 0;
    beforeAll(async () => {
      server = createHttpServer((_req, res) => {
        hits++;
        res.end('reached the host');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('is reachable from the host (the test is real)', async () => {
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('reached the host');
      hits = 0;
    });

    it('cannot be reached from the jail', async () => {
      const r = await jailed(world, `node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(t => console.log('GOT', t), e => console.log('FAILED', e.cause?.code ?? e.message))"; (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>&1; echo bash=$?`);
      expect(r.stdout).toContain('FAILED ECONNREFUSED');
      expect(r.stdout).toContain('bash=1');
      expect(hits).toBe(0);
    });

    it('nor through the host network address', async () => {
      const r = await jailed(world, `node -e "require('net').connect(53, '1.1.1.1').on('error', e => console.log('FAILED', e.code)).on('connect', () => console.log('CONNECTED'))"`);
      expect(r.stdout).toMatch(/FAILED (ENETUNREACH|EHOSTUNREACH|ECONNREFUSED)/);
      expect(hits).toBe(0);
    });
  });

  it("cannot reach a host daemon's unix socket under /run or /tmp", async () => {
    const sockets = [`/run/evolve-hostile-${process.pid}.sock`, `/tmp/evolve-hostile-${process.pid}.sock`];
    const servers: NetServer[] = [];
    let accepted = 0;
    try {
      for (const s of sockets) {
        const srv = createNetServer((c) => {
          accepted++;
          c.end('hi');
        });
        await new Promise<void>((resolve) => srv.listen(s, resolve));
        servers.push(srv);
      }
      const r = await jailed(world, sockets.map((s) => `node -e "require('net').connect('${s}').on('error', e => console.log('FAILED', e.code)).on('data', d => console.log('GOT', String(d)))"`).join('; '));
      expect(r.stdout.match(/FAILED ENOENT/g)).toHaveLength(2);
      expect(accepted).toBe(0);
    } finally {
      for (const srv of servers) srv.close();
      for (const s of sockets) if (existsSync(s)) rmSync(s, { force: true });
    }
  });

  it("reaches the runner's proxy socket bound in, and its own loopback (the relay's route to the model)", async () => {
    const socket = path.join(world.base, 'proxy.sock');
    const proxy = createNetServer((c) => c.end('proxy answered'));
    await new Promise<void>((resolve) => proxy.listen(socket, resolve));
    try {
      const script = [
        `node -e "require('net').connect('/tmp/evolve/proxy.sock').on('data', d => console.log(String(d))).on('error', e => console.log('FAILED', e.code))"`,
        `node -e "const s = require('net').createServer(c => c.end('loopback ok')).listen(0, '127.0.0.1', () => require('net').connect(s.address().port, '127.0.0.1').on('data', d => { console.log(String(d)); s.close(); }))"`,
      ].join('; ');
      const r = await jailed(world, script, { spec: { binds: [{ src: socket, dest: '/tmp/evolve/proxy.sock', readOnly: false }] } });
      expect(r.stdout).toBe('proxy answered\nloopback ok\n');
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('the npm-install variant has the network but no key, and writes only its dependency folder', async () => {
    const nm = path.join(world.workspace, 'node_modules');
    mkdirSync(nm, { recursive: true });
    const hostInterfaces = readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
    const r = await jailed(world, `touch node_modules/ok; echo x > package-lock.json; env | grep -c ${KEY_TAIL}; cat ${world.target}/.env; awk 'NR>2 {print $1}' /proc/net/dev`, {
      spec: { network: 'host', workspace: nm, cwd: world.workspace, readOnly: [world.target] },
    });
    expect(existsSync(path.join(nm, 'ok'))).toBe(true);
    expect(existsSync(path.join(world.workspace, 'package-lock.json'))).toBe(false);
    expect(r.stderr).toMatch(/Read-only file system/);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('0');
    expectNoSecret(r.stdout);
    expect(lines.slice(1).sort()).toEqual(hostInterfaces.sort());
  });
});
