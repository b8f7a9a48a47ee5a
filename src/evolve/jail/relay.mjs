#!/usr/bin/env node
/**
 * The relay: the jail's first process, of the runner's own code (plain Node, node:* only, read-only file system).
 *
 *   node relay.mjs --socket <path> --port <n> -- <command...>
 *
 * Listens on the jail's private 127.0.0.1:<n> (0 = any free port) and pipes every connection, byte for byte and
 * both ways, to the proxy's unix socket; then runs <command> (no shell) with ANTHROPIC_BASE_URL pointing at that
 * address, stdio and fd 3 (the progress descriptor) inherited, forwards SIGINT/SIGTERM/SIGHUP to it, and exits
 * as it exits (same code, or the same signal). Its own failures exit 70 (bad arguments, port taken) or 127 (the
 * command cannot be run).
 */
import { spawn } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { constants } from 'node:os';
import { relayServer } from './relay-pipe.mjs';

const USAGE = 'usage: node relay.mjs --socket <path> --port <n> -- <command...>';

/** 70 for the relay's own trouble (arguments, port), 127 when the command cannot be run, as a shell would. */
function fail(message, code = 70) {
  process.stderr.write(`evolve relay: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const sep = argv.indexOf('--');
  if (sep < 0 || sep === argv.length - 1) fail(`no command given\n${USAGE}`);
  const flags = argv.slice(0, sep);
  const command = argv.slice(sep + 1);
  let socket;
  let port = 0;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    const value = flags[i + 1];
    if (flag === '--socket' && value) socket = value;
    else if (flag === '--port' && value && /^\d+$/.test(value) && Number(value) < 65536) port = Number(value);
    else fail(`bad argument ${flag}\n${USAGE}`);
    i++;
  }
  if (!socket) fail(`--socket is required\n${USAGE}`);
  return { socket, port, command };
}

function fdIsOpen(fd) {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

const { socket, port, command } = parseArgs(process.argv.slice(2));

const server = relayServer(socket);

server.on('error', (err) => fail(`cannot listen on 127.0.0.1:${port}: ${err.message}`));

server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  const child = spawn(command[0], command.slice(1), {
    stdio: ['inherit', 'inherit', 'inherit', fdIsOpen(3) ? 3 : 'ignore'],
    env: { ...process.env, ANTHROPIC_BASE_URL: `http://127.0.0.1:${actual}` },
    shell: false,
  });
  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = { SIGINT: forward('SIGINT'), SIGTERM: forward('SIGTERM'), SIGHUP: forward('SIGHUP') };
  for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
  child.on('error', (err) => fail(`cannot run ${command[0]}: ${err.message}`, 127));
  child.on('exit', (code, signal) => {
    server.close();
    if (signal) {
      for (const [name, handler] of Object.entries(handlers)) process.off(name, handler);
      process.kill(process.pid, signal);
      // A signal that does not end this process (or one that is ignored) still ends the relay.
      setImmediate(() => process.exit(128 + (constants.signals[signal] ?? 1)));
      return;
    }
    process.exit(code ?? 1);
  });
});
