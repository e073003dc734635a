import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryPosition } from './delivery-position.js';

describe('deliveryPosition', () => {
  it('reads the stream sequence, the delivery number and the pending count from each form of reply subject', () => {
    assert.deepEqual(deliveryPosition('$JS.ACK.JARVIS_EVENTS.reader-1.1.4821.4821.1764420000000000000.17'), { seq: 4821, delivery: 4821, pending: 17 });
    assert.deepEqual(deliveryPosition('$JS.ACK._.ABC.JARVIS_EVENTS.reader-1.2.1.9.1764420000000000000.0'), { seq: 1, delivery: 9, pending: 0 });
    assert.deepEqual(deliveryPosition('$JS.ACK.hub.ABC.JARVIS_EVENTS.reader-1.1.123456789012.5.1764420000000000000.999.Xy7'), { seq: 123456789012, delivery: 5, pending: 999 });
  });

  it('leaves to the client anything else: another prefix, another number of tokens, a token that is not a number', () => {
    for (const reply of [
      '',
      '_INBOX.abc.def',
      '$JS.NAK.S.C.1.2.3.4.5',
      '$JS.ACK.S.C.1.2.3.4',
      '$JS.ACK.S.C.1.2.3.4.5.6',
      '$JS.ACK.S.C.1.x2.3.4.5',
      '$JS.ACK.S.C.1.2.3.4.',
      '$JS.ACK.S.C.1.0.3.4.5',
      '$JS.ACK.S.C.1.2.0.4.5',
      '$JS.ACK.S.C.1.1234567890123456.3.4.5',
      '$JS.ACK.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q',
    ]) {
      assert.equal(deliveryPosition(reply), undefined, reply);
    }
  });

  it('reads each subject on its own: a long one before a short one leaves nothing behind', () => {
    deliveryPosition('$JS.ACK.hub.ABC.JARVIS_EVENTS.reader-1.1.7.5.1764420000000000000.3.Xy7');
    assert.deepEqual(deliveryPosition('$JS.ACK.S.C.1.8.6.1764420000000000000.2'), { seq: 8, delivery: 6, pending: 2 });
  });
});
