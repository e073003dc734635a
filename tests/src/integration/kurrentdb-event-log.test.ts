import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { binaryEvent, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { EVENT_CATALOG, subjectOf, type EventType } from '@jarvis/contracts';
import { describeEventLogContract, type EventLogContractSettings, type EventLogUnderTest } from '@jarvis/event-log/contract';
import { KurrentDbEventLog } from '@jarvis/kurrentdb-event-log';

/** A connection string, e.g. `kurrentdb://127.0.0.1:2113?tls=false`: KurrentDB cannot be installed on the CI machines. */
const SERVER = process.env['JARVIS_KURRENTDB_URL'];

const TYPE_OF_SUBJECT = new Map(Object.keys(EVENT_CATALOG).map((type) => [subjectOf(type as EventType), type]));

if (SERVER) {
  const client = KurrentDBClient.connectionString(SERVER);
  after(() => client.dispose());
  describeEventLogContract('kurrentdb', (settings) => freshKurrentLog(client, settings));
} else {
  describe('EventLog contract: kurrentdb', () => {
    it('runs the shared contract suite against a KurrentDB server', { skip: 'JARVIS_KURRENTDB_URL is not set: no KurrentDB server to run against' }, () => undefined);
  });
}

/** A fresh store is a stream of its own: its revisions start at 0 and its persistent subscription groups are new. */
async function freshKurrentLog(client: KurrentDBClient, { ackWaitMs }: EventLogContractSettings): Promise<EventLogUnderTest> {
  const stream = `jarvis-contract-${randomUUID()}`;
  const log = await KurrentDbEventLog.open(client, { stream, ackWaitMs });
  return {
    log,
    storeForeign: async (subject, bytes) => {
      const type = TYPE_OF_SUBJECT.get(subject) ?? subject;
      await client.appendToStream(stream, binaryEvent({ type, data: bytes }));
    },
    close: async () => {
      for (const group of await client.listPersistentSubscriptionsToStream(stream).catch(() => [])) {
        await client.deletePersistentSubscriptionToStream(stream, group.groupName).catch(() => undefined);
      }
      await client.deleteStream(stream).catch(() => undefined);
    },
  };
}
