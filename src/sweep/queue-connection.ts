import { GxError } from '../errors.js';
import { credentialsIn, withoutCredentials } from '../uri-credentials.js';

/** A Redis queue as gx reaches it: the connection (with its login), and where it is for messages (without). */
export interface QueueConnection {
  connection: RedisLogin;
  /** The URL without its login: the only form printed, stored or journaled. */
  where: string;
}

/** What ioredis (under BullMQ) connects with. */
export interface RedisLogin {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: object;
  maxRetriesPerRequest: number | null;
}

/**
 * `redis://[user:pass@]host:port[/db]` (or `rediss://` for TLS). The login comes from the URL, else from
 * REDIS_USERNAME and REDIS_PASSWORD; it signs in and goes nowhere else (as MLflow's, see uri-credentials.ts).
 */
export function queueConnection(url: string, env: NodeJS.ProcessEnv = process.env): QueueConnection {
  const where = withoutCredentials(url);
  let parsed: URL;
  try {
    parsed = new URL(where);
  } catch {
    throw badQueue(where);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw badQueue(where);
  const login = credentialsIn(url);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw badQueue(where);
  const username = login?.username || env.REDIS_USERNAME || undefined;
  const password = login?.password || env.REDIS_PASSWORD || undefined;
  return {
    where,
    connection: {
      host: parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost',
      port: Number(parsed.port || 6379),
      db: Number(db || 0),
      ...(username && { username }),
      ...(password && { password }),
      ...(parsed.protocol === 'rediss:' && { tls: {} }),
      // A worker waits for Redis as long as it takes (BullMQ asks for this); a sweep fails fast instead (see below).
      maxRetriesPerRequest: null,
    },
  };
}

function badQueue(where: string): GxError {
  return new GxError(
    'QUEUE_URL',
    `${where}: not a Redis URL`,
    'give --queue redis://host:6379 (a login in the URL or in REDIS_USERNAME and REDIS_PASSWORD; /N picks database N)',
  );
}
