/**
 * The relay's one job, shared by the relay process (relay.mjs) and the relay inside a Node agent's own process
 * (relay-preload.mjs): a TCP server whose every connection is piped, byte for byte and both ways, to the proxy's
 * unix socket. node:* only.
 */
import { connect, createServer } from 'node:net';

export function relayServer(socket) {
  return createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ path: socket, allowHalfOpen: true });
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.end());
  });
}
