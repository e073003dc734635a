import { jetstream } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { encodeEvent, subjectOf, type JarvisEvent } from '@jarvis/contracts';
import { EVENT_TYPE_HEADER } from '@jarvis/event-log';

/** Appends events as any NATS client could, bypassing every Jarvis service: what a forger or a replay looks like. */
export async function publishAsAnyClient(natsUrl: string, events: readonly JarvisEvent[]): Promise<void> {
  const nc = await connect({ servers: [natsUrl] });
  try {
    for (const event of events) {
      const hdrs = natsHeaders();
      hdrs.set(EVENT_TYPE_HEADER, event.type);
      await jetstream(nc).publish(subjectOf(event.type), encodeEvent(event), { msgID: event.id, headers: hdrs });
    }
  } finally {
    await nc.close();
  }
}
