import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { KurrentDbEventLog, type KurrentDbEventLogOptions } from './kurrentdb-event-log.js';

export type KurrentDbConnection = { log: KurrentDbEventLog; close(): Promise<void> };

/** A client for the connection string `url` and the event log on it; opening the log is the first call to the server. */
export async function connectKurrentDbEventLog(url: string, options: KurrentDbEventLogOptions = {}): Promise<KurrentDbConnection> {
  const client = KurrentDBClient.connectionString(url);
  try {
    const log = await KurrentDbEventLog.open(client, options);
    return { log, close: () => client.dispose() };
  } catch (error) {
    await client.dispose().catch(() => undefined);
    throw error;
  }
}
