// node loopback-forward.mjs HOST PORT SOCKET: accepts TCP connections on HOST:PORT (the loopback of
// the network namespace it runs in) and pipes each to the unix socket SOCKET. Prints "listening".
import { connect, createServer } from 'node:net';

const [host, port, socket] = process.argv.slice(2);
const server = createServer((client) => {
  const upstream = connect(socket);
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen(Number(port), host, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
