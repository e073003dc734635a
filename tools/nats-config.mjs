#!/usr/bin/env node
// Generates the NATS identities (infra/nats/identities.conf) and the subjects reference (infra/nats/events.md,
// infra/nats/asyncapi.json) from the contracts. Run after `npx tsc -b` whenever an event type or RPC subject changes.
// Usage: node tools/nats-config.mjs [--out DIR]   (default DIR: infra/nats)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_STREAM_NAME } from '@jarvis/contracts';
import { SNAPSHOT_BUCKET } from '@jarvis/event-log';
import { deploymentIdentities, renderAsyncApi, renderEventsDoc, renderIdentitiesConfig } from '@jarvis/nats-identities';
import { LOCK_BUCKET } from '@jarvis/service-kit';

const root = new URL('..', import.meta.url).pathname;
const outFlag = process.argv.indexOf('--out');
const out = outFlag === -1 ? join(root, 'infra', 'nats') : process.argv[outFlag + 1];
if (!out) {
  console.error('usage: node tools/nats-config.mjs [--out DIR]');
  process.exit(2);
}

const GENERATOR = 'node tools/nats-config.mjs';
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const identities = deploymentIdentities({ stream: EVENT_STREAM_NAME, lockBucket: LOCK_BUCKET, snapshotBucket: SNAPSHOT_BUCKET });

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'identities.conf'), renderIdentitiesConfig(identities, GENERATOR));
writeFileSync(join(out, 'events.md'), renderEventsDoc(identities, GENERATOR));
writeFileSync(join(out, 'asyncapi.json'), `${JSON.stringify(renderAsyncApi(version), null, 2)}\n`);
console.log(`wrote identities.conf, events.md and asyncapi.json to ${out}`);
