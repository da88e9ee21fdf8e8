// Small loopback TCP servers for connection tests: one that writes garbage, one that stays
// silent, and a port nobody listens on.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class LocalServers {
  readonly #servers: Server[] = [];

  /** A loopback port whose server runs `onConnection` for each client. */
  async listen(onConnection: (socket: Socket) => void): Promise<number> {
    const server = createServer(onConnection);
    this.#servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** A port that was just free: connecting to it is refused. */
  async closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  close(): void {
    for (const server of this.#servers) server.close();
  }
}
