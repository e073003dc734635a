import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationPipe, type Type } from '@nestjs/common';
import { InvalidRequest, invalidRequestFrom } from '@jarvis/service-kit';
import { ApproveBody, RejectBody } from './approval-bodies.js';

/** The pipe exactly as `runJarvis` installs it for every route. */
const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: invalidRequestFrom });

async function fieldsOf(metatype: Type<unknown>, body: unknown): Promise<{ field: string; reason: string }[]> {
  try {
    await pipe.transform(body, { type: 'body', metatype });
  } catch (error) {
    assert.ok(error instanceof InvalidRequest, String(error));
    return [...error.fields].sort((a, b) => a.field.localeCompare(b.field) || a.reason.localeCompare(b.reason));
  }
  return assert.fail('accepted');
}

const DIGEST = 'ab'.repeat(32);

describe('approval request bodies', () => {
  it('accepts an empty body and a full one', async () => {
    assert.deepEqual({ ...(await pipe.transform({}, { type: 'body', metatype: ApproveBody })) }, {});
    assert.deepEqual({ ...(await pipe.transform({ by: 'alice', digest: DIGEST }, { type: 'body', metatype: ApproveBody })) }, { by: 'alice', digest: DIGEST });
    assert.deepEqual({ ...(await pipe.transform({ by: 'Zoë Müller', reason: 'not now' }, { type: 'body', metatype: RejectBody })) }, { by: 'Zoë Müller', reason: 'not now' });
  });

  it('names each wrong field of an approval and why', async () => {
    assert.deepEqual(await fieldsOf(ApproveBody, { by: 'x'.repeat(65), digest: DIGEST.toUpperCase() }), [
      { field: 'by', reason: 'must be shorter than or equal to 64 characters' },
      { field: 'digest', reason: 'must be a SHA-256 digest in hex (64 lower-case hex digits)' },
    ]);
    assert.deepEqual(await fieldsOf(ApproveBody, { by: 'eve\nINFO granted by admin', digest: 42 }), [
      { field: 'by', reason: 'must not contain control characters' },
      { field: 'digest', reason: 'must be a SHA-256 digest in hex (64 lower-case hex digits)' },
    ]);
    assert.deepEqual(await fieldsOf(ApproveBody, { by: '' }), [{ field: 'by', reason: 'must be longer than or equal to 1 characters' }]);
  });

  it('names each wrong field of a rejection, and a field neither takes', async () => {
    assert.deepEqual(await fieldsOf(RejectBody, { by: 7, reason: 'r'.repeat(1025), digest: DIGEST }), [
      { field: 'by', reason: 'must be a string' },
      { field: 'by', reason: 'must be longer than or equal to 1 characters' },
      { field: 'by', reason: 'must be shorter than or equal to 64 characters' },
      { field: 'by', reason: 'must not contain control characters' },
      { field: 'digest', reason: 'property digest should not exist' },
      { field: 'reason', reason: 'must be shorter than or equal to 1024 characters' },
    ]);
  });
});
