// node loopback-forward.mjs LISTEN TARGET: accepts connections on LISTEN and pipes each to TARGET.
// Each is HOST:PORT (TCP, the loopback of the network namespace it runs in; port 0 takes a free one)
// or the path of a unix socket. Prints "listening HOST:PORT" (or the socket's path) once it accepts.
import { connect, createServer } from 'node:net';

const [listen, target] = process.argv.slice(2);
const endpoint = (text) => {
  if (text.startsWith('/')) return { path: text };
  const colon = text.lastIndexOf(':');
  return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
};
const server = createServer((client) => {
  const upstream = connect(endpoint(target));
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen(endpoint(listen), () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'string' ? address : `${address.address}:${address.port}`}\n`);
});
process.on('SIGTERM', () => process.exit(0));
