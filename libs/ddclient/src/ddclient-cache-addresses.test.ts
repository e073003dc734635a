import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DdclientCacheAddresses } from './ddclient-cache-addresses.js';

/** As ddclient 3.10's write_cache leaves it after one good and one failed update (sorted keys, then the host). */
const CACHE = `## ddclient-3.10.0
## last updated at Sun Nov 29 05:00:00 2026 (1795928400)
atime=0,host=www.lab.jarvis.test,ip=127.0.0.1,ipv4=127.0.0.1,mtime=1795928400,status=good,status-ipv4=good,warned-min-error-interval=0,warned-min-interval=0,wtime=0 www.lab.jarvis.test
atime=0,host=api.lab.jarvis.test,mtime=0,status=failed,wtime=0 api.lab.jarvis.test
atime=0,host=v6.lab.jarvis.test,ipv6=2001:db8::7,mtime=1795928400,status-ipv6=good,wtime=0 v6.lab.jarvis.test
`;

describe('DdclientCacheAddresses: what ddclient last pushed, from its cache file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-ddclient-cache-'));
  const cache = join(dir, 'ddclient.cache');
  writeFileSync(cache, CACHE);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('given a host published successfully, then its address', async () => {
    assert.deepEqual(await new DdclientCacheAddresses({ cache }).lastPushed('www.lab.jarvis.test'), { addresses: ['127.0.0.1'] });
  });

  it('given an IPv6 publication, then its address', async () => {
    assert.deepEqual(await new DdclientCacheAddresses({ cache }).lastPushed('v6.lab.jarvis.test'), { addresses: ['2001:db8::7'] });
  });

  it('given a host whose updates only failed, then no address, saying so', async () => {
    const pushed = await new DdclientCacheAddresses({ cache }).lastPushed('api.lab.jarvis.test');
    assert.equal(pushed.addresses, null);
    assert.match((pushed as { why: string }).why, /holds no published address for api\.lab\.jarvis\.test/);
  });

  it('given a name ddclient does not publish, then no address, naming it', async () => {
    const pushed = await new DdclientCacheAddresses({ cache }).lastPushed('other.lab.jarvis.test');
    assert.match((pushed as { why: string }).why, /no entry for other\.lab\.jarvis\.test/);
  });

  it('given no cache file yet, then ddclient has published nothing', async () => {
    const pushed = await new DdclientCacheAddresses({ cache: join(dir, 'missing.cache') }).lastPushed('www.lab.jarvis.test');
    assert.match((pushed as { why: string }).why, /no ddclient cache at .*missing\.cache: ddclient has published nothing yet/);
  });

  it('given the cache path is a symlink to a file elsewhere, then it is not read', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'jarvis-ddclient-elsewhere-'));
    writeFileSync(join(elsewhere, 'real.cache'), CACHE);
    const link = join(dir, 'link.cache');
    symlinkSync(join(elsewhere, 'real.cache'), link);
    const pushed = await new DdclientCacheAddresses({ cache: link }).lastPushed('www.lab.jarvis.test');
    rmSync(elsewhere, { recursive: true, force: true });
    assert.equal(pushed.addresses, null);
    assert.match((pushed as { why: string }).why, /cannot be read/);
  });
});
