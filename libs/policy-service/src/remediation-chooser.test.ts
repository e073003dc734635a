import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DdclientConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import { describeFixDdclient, describeRestoreDdclientCredentials, FIX_DDCLIENT, RESTORE_DDCLIENT_CREDENTIALS } from '@jarvis/registry';
import { firstOffered } from './remediation-chooser.js';

const ddclient = Object.assign(new DdclientConfig(), { name: 'lab', config: '/etc/ddclient.conf' });
const target = targetOf('ddclient', 'lab');
const candidates = [describeFixDdclient(ddclient), describeRestoreDdclientCredentials(ddclient)];
const knownGood = { path: '/etc/ddclient.conf', knownGood: 'ddclient.conf.1a2b3c4d.20250301T120000000Z.good' };

describe('firstOffered: the default remediation, then the fallbacks in order', () => {
  it('given nothing tried yet, then the forced update, with its default params', () => {
    const choice = firstOffered(candidates, target, { attemptsByAction: {}, facts: { knownGood } });
    assert.deepEqual(choice, { action: FIX_DDCLIENT, params: {}, risk: 'low', maxAttemptsPerIncident: 1 });
  });

  it('given the forced update used up and a known-good copy, then the restore of that copy, high risk', () => {
    const choice = firstOffered(candidates, target, { attemptsByAction: { [FIX_DDCLIENT]: 1 }, facts: { knownGood } });
    assert.equal(choice?.action, RESTORE_DDCLIENT_CREDENTIALS);
    assert.equal(choice?.risk, 'high');
    assert.deepEqual(JSON.parse(JSON.stringify(choice?.params)), {
      path: '/etc/ddclient.conf',
      format: 'ddclient',
      change: { kind: 'restore_known_good', knownGood: knownGood.knownGood, keys: ['login', 'password', 'server'] },
    });
  });

  it('given the forced update used up and no known-good copy, then the used-up update, carrying why the restore is not offered', () => {
    const choice = firstOffered(candidates, target, { attemptsByAction: { [FIX_DDCLIENT]: 1 }, facts: {} });
    assert.equal(choice?.action, FIX_DDCLIENT);
    assert.match(choice?.note ?? '', /infrastructure_restore_ddclient_credentials is not offered: no known-good copy of \/etc\/ddclient\.conf is recorded/);
  });

  it('given both used up, then the first, with no note: the policy says nothing more is done', () => {
    const choice = firstOffered(candidates, target, { attemptsByAction: { [FIX_DDCLIENT]: 1, [RESTORE_DDCLIENT_CREDENTIALS]: 1 }, facts: { knownGood } });
    assert.equal(choice?.action, FIX_DDCLIENT);
    assert.equal(choice?.note, undefined);
  });

  it('given only unavailable candidates, then nothing', () => {
    assert.equal(firstOffered([describeRestoreDdclientCredentials(ddclient)], target, { attemptsByAction: {}, facts: {} }), null);
  });
});
