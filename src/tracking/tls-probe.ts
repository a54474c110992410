import { isIP } from 'node:net';
import { connect } from 'node:tls';

/**
 * Whether host:port completes a TLS handshake. A server that speaks TLS closes a plain http:// connection without a
 * word, as one going down would; this tells the mistake in the URI from an outage. Certificates are not checked:
 * the question is only which protocol the port speaks.
 */
export function speaksTls(host: string, port: number, timeoutMs = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      ...(isIP(host) === 0 && { servername: host }),
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
