import { connect, createServer, type Socket } from 'node:net';

/**
 * What the proxy does with a new connection: pass it on, hold it open without a word, answer 500, answer 503 with
 * `Retry-After: 600`, answer 200 with an HTML page (a proxy's sign-in page), or close it at once.
 */
export type ProxyMode = 'pass' | 'hang' | 'error500' | 'busy600' | 'html200' | 'close';

/** The canned answer of each mode that answers by itself. */
const ANSWERS: Partial<Record<ProxyMode, string>> = {
  error500: 'HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
  busy600: 'HTTP/1.1 503 Service Unavailable\r\nretry-after: 600\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
  html200: `HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 46\r\nconnection: close\r\n\r\n${'<html><body><h1>Sign in</h1></body></html>'.padEnd(46)}`,
};

export interface FaultProxy {
  /** http://127.0.0.1:<port>: give it to gx as the tracking URI. */
  readonly uri: string;
  mode: ProxyMode;
  /**
   * Requests (a text in their first line, `POST /api/2.0/mlflow/runs/create `) whose answer is lost once each: the
   * server gets the request and does it, then the connection drops before its answer reaches the client.
   */
  dropAnswers: string[];
  /** Answers dropped so far. */
  dropped: string[];
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
    dropAnswers: [] as string[],
    dropped: [] as string[],
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
    if (proxy.mode === 'close') {
      client.destroy();
      return;
    }
    const answer = ANSWERS[proxy.mode];
    if (answer !== undefined) {
      client.once('data', () => client.end(answer));
      return;
    }
    const upstream = connect(Number(port), hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // Bytes go both ways as they come, unless the request just sent is one whose answer is to be lost.
    let losing = false;
    client.on('data', (chunk: Buffer) => {
      const lost = proxy.dropAnswers.find((request) => chunk.includes(request));
      if (lost !== undefined) {
        losing = true;
        proxy.dropAnswers = proxy.dropAnswers.filter((request) => request !== lost);
        proxy.dropped.push(lost);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (losing) {
        client.destroy();
        upstream.destroy();
      } else client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('proxy: no address');
  proxy.uri = `http://127.0.0.1:${address.port}`;
  return proxy;
}
