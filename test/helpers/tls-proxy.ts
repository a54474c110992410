import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { tempDir } from './cli.js';

export interface TlsProxy {
  /** https://127.0.0.1:<port> */
  readonly uri: string;
  /** The proxy's self-signed certificate (PEM), the CA bundle that makes a client trust it. */
  readonly certFile: string;
  close(): Promise<void>;
}

/** A TLS front for a plain http server on loopback, with a self-signed certificate made by openssl for 127.0.0.1. */
export async function startTlsProxy(target: string): Promise<TlsProxy> {
  const dir = tempDir('gx-tls-');
  const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  const made = spawnSync('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
  ]);
  if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
  const { hostname, port } = new URL(target);
  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (client) => {
    const upstream = connect(Number(port), hostname);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('tls proxy: no address');
  return {
    uri: `https://127.0.0.1:${address.port}`,
    certFile,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
