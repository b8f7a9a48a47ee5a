/**
 * The fast agent start (src/evolve/jail/agent-bundle.ts): a TypeScript agent run through tsx is bundled once per
 * parent commit, in the jail, and run from the bundle; what it reads beside its source (its prompts) still comes
 * from the tree it runs in, and an agent that cannot be bundled runs as it was.
 */
import { createServer } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentBundles, tsxEntry } from '../../src/evolve/jail/agent-bundle.ts';
import type { AgentCommand } from '../../src/evolve/jail/agent.ts';
import { pathToFileURL } from 'node:url';
import { createJailSandbox } from '../../src/evolve/jail/jail.ts';
import { RELAY_PRELOAD } from '../../src/evolve/jail/agent.ts';
import { UnsafeSandbox } from '../../src/evolve/jail/sandbox.ts';
import { runProcess } from '../../src/process/run.ts';
import { probeSandbox } from '../../src/tools/sandbox/index.ts';
import { tempDir, writeFiles } from './helpers.ts';

const sandbox = async () => (probeSandbox().ok ? createJailSandbox(tempDir()) : new UnsafeSandbox());
const AGENT = `import { readFileSync } from 'node:fs';
const words: string = readFileSync(new URL('./prompt.md', import.meta.url), 'utf8').trim();
console.log(JSON.stringify({ words, cwd: process.cwd() }));
`;
const own = (cmd: string): AgentCommand => ({ argv: ['sh', '-c', cmd], source: 'package.json' });

function workspace(prompt: string, agent = AGENT): string {
  const dir = tempDir('evolve-bundle-ws-');
  writeFiles(dir, { 'src/agent.ts': agent, 'src/prompt.md': `${prompt}\n` });
  return dir;
}

describe('tsxEntry', () => {
  it.each([
    ['node --import tsx src/agent/main.ts', 'src/agent/main.ts'],
    ['  node --import=tsx ./agent.mts ', 'agent.mts'],
    ['node --import tsx src/main.js', null],
    ['node --import tsx ../outside.ts', null],
    ['node --import tsx src/a.ts && curl evil', null],
    ['npx tsx src/a.ts', null],
  ])('%j → %j', (command, entry) => expect(tsxEntry(command)).toBe(entry));
});

describe('AgentBundles', () => {
  it('bundles once per parent commit; each child runs it in its own tree and reads its own files', async () => {
    const bundles = new AgentBundles(await sandbox(), path.join(tempDir(), 'agents'));
    const first = workspace('from the first workspace');
    const second = workspace('from the second workspace');
    const a = await bundles.start(own('node --import tsx src/agent.ts'), first, 'c0ffee', null);
    const b = await bundles.start(own('node --import tsx src/agent.ts'), second, 'c0ffee', null);
    expect([a.start, b.start]).toEqual(['bundled', 'cached']);
    expect(a.bundleMs).toBeGreaterThan(0);
    expect(b.bundleMs).toBe(0);
    expect(b.command.argv).toEqual(a.command.argv);
    expect(a.command.argv[0]).toBe(process.execPath);
    const ran = await runProcess(b.command.argv[0], b.command.argv.slice(1), { cwd: second });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toEqual({ words: 'from the second workspace', cwd: second });
  }, 60_000);

  it('leaves an agent it cannot bundle as it was, and any command that is not `node --import tsx <file>.ts`', async () => {
    const bundles = new AgentBundles(await sandbox(), path.join(tempDir(), 'agents'));
    const broken = workspace('x', 'export const = ;\n');
    const command = own('node --import tsx src/agent.ts');
    expect(await bundles.start(command, broken, 'bad', null)).toMatchObject({ command, start: 'as-is' });
    const other = own('node agent.mjs');
    expect(await bundles.start(other, broken, 'bad2', null)).toEqual({ command: other, start: 'as-is', bundleMs: 0 });
    const flag: AgentCommand = { argv: ['sh', '-c', 'node --import tsx src/agent.ts'], source: 'flag' };
    expect((await bundles.start(flag, broken, 'bad3', null)).start).toBe('as-is');
  }, 60_000);
});

describe('the relay inside a bundled agent (relay-preload.mjs)', () => {
  it('points ANTHROPIC_BASE_URL at itself, pipes to the proxy socket, and lets the process end when the agent is done', async () => {
    const socket = path.join(tempDir(), 'proxy.sock');
    const proxy = createServer((req, res) => res.end(`proxy saw ${req.method} ${req.url}`));
    await new Promise<void>((resolve) => proxy.listen(socket, resolve));
    const agent = "const r = await fetch(process.env.ANTHROPIC_BASE_URL + '/v1/messages'); console.log(await r.text());";
    const r = await runProcess(process.execPath, ['--import', pathToFileURL(RELAY_PRELOAD).href, '--input-type=module', '-e', agent], {
      env: { ...process.env, EVOLVE_RELAY_SOCKET: socket, EVOLVE_RELAY_PORT: '0' }, timeoutMs: 20_000,
    });
    proxy.close();
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, stdout: 'proxy saw GET /v1/messages\n' });
  });

  it('exits 70 without its socket', async () => {
    const r = await runProcess(process.execPath, ['--import', pathToFileURL(RELAY_PRELOAD).href, '-e', '0'], { env: { PATH: process.env.PATH } });
    expect(r.exitCode).toBe(70);
    expect(r.stderr).toMatch(/EVOLVE_RELAY_SOCKET/);
  });
});
