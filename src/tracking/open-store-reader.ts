import { localStoreReader } from './local-store-reader.js';
import type { TrackingStore } from './open.js';
import { serverStoreReader } from './server-store-reader.js';
import type { StoreReader } from './store-reader.js';

/** The reader of a store: MLflow's file store on disk, or a server over REST. */
export function openStoreReader(store: TrackingStore): StoreReader {
  return store.kind === 'server' ? serverStoreReader(store.uri, store.login) : localStoreReader(store.folder);
}

/** Runs `read` with the store's reader, and lets go of the reader after. */
export async function readStore<T>(store: TrackingStore, read: (reader: StoreReader) => Promise<T>): Promise<T> {
  const reader = openStoreReader(store);
  try {
    return await read(reader);
  } finally {
    await reader.close();
  }
}
