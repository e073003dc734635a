import type { Lab } from './lab.js';
import { waitFor } from './processes.js';

/** Waits until no event was appended for `quietMs`: every case closed and every service caught up. */
export async function settled(lab: Pick<Lab, 'reader'>, quietMs: number): Promise<number> {
  let last = -1;
  let since = Date.now();
  return waitFor('the store to settle', async () => {
    const { lastSeq } = await lab.reader.log.position();
    if (lastSeq !== last) {
      [last, since] = [lastSeq, Date.now()];
      return undefined;
    }
    return Date.now() - since >= quietMs ? lastSeq : undefined;
  }, 90_000, 500);
}
