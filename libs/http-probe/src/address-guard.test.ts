import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { vetAddresses } from './address-guard.js';

const v4 = (address: string) => ({ address, family: 4 as const });
const v6 = (address: string) => ({ address, family: 6 as const });

describe('vetAddresses', () => {
  it('keeps every address, in order, when each is ordinary', () => {
    assert.deepEqual(vetAddresses('nas.lab', [v6('fd12::5'), v4('192.168.1.5')], false), { ok: true, addresses: [v6('fd12::5'), v4('192.168.1.5')] });
  });

  it('refuses a host when any of its addresses is a metadata or link-local one, naming host, address and switch', () => {
    assert.deepEqual(vetAddresses('nas.lab', [v4('192.168.1.5'), v4('169.254.169.254')], false), {
      ok: false,
      reason: 'nas.lab resolves to 169.254.169.254, a cloud metadata address: refused (allowLinkLocal is false)',
    });
    assert.deepEqual(vetAddresses('printer.lab', [v6('fe80::2')], false), {
      ok: false,
      reason: 'printer.lab resolves to fe80::2, a link-local address: refused (allowLinkLocal is false)',
    });
  });

  it('names an IP literal once', () => {
    assert.deepEqual(vetAddresses('fd00:ec2::254', [v6('fd00:ec2::254')], false), {
      ok: false,
      reason: 'fd00:ec2::254, a cloud metadata address: refused (allowLinkLocal is false)',
    });
  });

  it('lets link-local and metadata addresses through when the endpoint allows them', () => {
    assert.deepEqual(vetAddresses('meta', [v4('169.254.169.254')], true), { ok: true, addresses: [v4('169.254.169.254')] });
  });

  it('refuses a host without addresses', () => {
    assert.deepEqual(vetAddresses('void.lab', [], true), { ok: false, reason: 'void.lab resolves to no address' });
  });
});
