/**
 * Where a message delivered by a consumer sits: its stream sequence, its delivery's number on the consumer (one more
 * than the one before, unless deliveries were lost), and how many messages the consumer had left after it.
 */
export type DeliveryPosition = { seq: number; delivery: number; pending: number };

/** The dots of one reply subject; reused, since a reader reads one message at a time. */
const dots = new Int32Array(16);

/**
 * The position read from a delivery's reply subject, in either of JetStream's forms:
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`, or since 2.9
 * `$JS.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>[.<random>]`.
 * Three numbers read in place: the client's own parse (`JsMsg.info`) splits the subject into eleven strings and was a
 * tenth of a replay's time. Undefined for anything else, which the caller leaves to that parse.
 */
export function deliveryPosition(reply: string): DeliveryPosition | undefined {
  let count = 0;
  for (let at = reply.indexOf('.'); at !== -1 && count < dots.length; at = reply.indexOf('.', at + 1)) dots[count++] = at;
  const tokens = count + 1;
  if (!reply.startsWith('$JS.ACK.') || (tokens !== 9 && tokens !== 11 && tokens !== 12)) return undefined;
  const first = tokens === 9 ? 5 : 7;
  const seq = numberToken(reply, first, count);
  const delivery = numberToken(reply, first + 1, count);
  const pending = numberToken(reply, first + 3, count);
  return seq > 0 && delivery > 0 && pending >= 0 ? { seq, delivery, pending } : undefined;
}

/** Token `index` (of a subject with `count` dots) as a decimal number, -1 when it is not one. */
function numberToken(reply: string, index: number, count: number): number {
  const start = dots[index - 1]! + 1;
  const end = index < count ? dots[index]! : reply.length;
  if (end === start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i += 1) {
    const digit = reply.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}
