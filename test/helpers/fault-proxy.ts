import { connect, createServer, type Socket } from 'node:net';

/** What the proxy does with a new connection: pass it on, hold it open without a word, or answer 500. */
export type ProxyMode = 'pass' | 'hang' | 'error500';

export interface FaultProxy {
  /** http://127.0.0.1:<port>: give it to gx as the tracking URI. */
  readonly uri: string;
  mode: ProxyMode;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of a real server, for the faults a network shows: a server that accepts connections
 * and never answers (`hang`), or one that answers every request with a 500 (`error500`). The mode applies to
 * connections opened after it is set; `pass` forwards bytes both ways untouched.
 */
export async function startFaultProxy(target: string, mode: ProxyMode = 'pass'): Promise<FaultProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let connections = 0;
  const proxy = {
    uri: '',
    mode,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (proxy.mode === 'hang') {
      client.resume(); // read everything, say nothing
      return;
    }
    if (proxy.mode === 'error500') {
      client.once('data', () =>
        client.end('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'),
      );
      return;
    }
    const upstream = connect(Number(port), hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('proxy: no address');
  proxy.uri = `http://127.0.0.1:${address.port}`;
  return proxy;
}
