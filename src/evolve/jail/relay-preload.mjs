/**
 * The relay inside the agent's own process, for an agent that is one Node program (a bundled agent, see
 * agent-bundle.ts): loaded with `node --import`, it listens on 127.0.0.1:$EVOLVE_RELAY_PORT (0 = any free port),
 * pipes every connection to the proxy's socket $EVOLVE_RELAY_SOCKET, and points ANTHROPIC_BASE_URL at itself before
 * the agent's first line runs. It saves starting a second Node process (relay.mjs) before every agent; it is no
 * boundary (the proxy is), so sharing the agent's process costs nothing. Its failures exit 70, like relay.mjs.
 */
import { relayServer } from './relay-pipe.mjs';

const socket = process.env.EVOLVE_RELAY_SOCKET;
const port = Number(process.env.EVOLVE_RELAY_PORT ?? '0');
if (!socket || !Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('evolve relay: EVOLVE_RELAY_SOCKET and EVOLVE_RELAY_PORT must be set\n');
  process.exit(70);
}
const server = relayServer(socket);
await new Promise((resolve) => {
  server.once('error', (err) => {
    process.stderr.write(`evolve relay: cannot listen on 127.0.0.1:${port}: ${err.message}\n`);
    process.exit(70);
  });
  server.listen(port, '127.0.0.1', resolve);
});
server.unref(); // the agent's own work keeps the process alive, not the relay
process.env.ANTHROPIC_BASE_URL = `http://127.0.0.1:${server.address().port}`;
