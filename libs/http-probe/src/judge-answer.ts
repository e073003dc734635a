import { describeExpectedStatus, statusExpected, type StatusRange } from '@jarvis/config';
import { quoteJson, readJsonField, type JsonScalar } from './json-field.js';

/** What the endpoint said, as far as the probe read it. */
export type HttpAnswer = {
  status: number;
  latencyMs: number;
  body: Buffer;
  /** The body went on past the read limit; `body` holds its beginning. */
  truncated: boolean;
};

export type AnswerExpectations = {
  status: readonly StatusRange[];
  maxLatencyMs: number;
  bodyContains?: string | undefined;
  jsonField?: { path: string; equals: JsonScalar } | undefined;
};

export type AnswerFailure = 'status' | 'latency' | 'body' | 'json';

export type AnswerVerdict = { ok: true; reason: string } | { ok: false; failure: AnswerFailure; reason: string };

/** Status first (a fast 503 is a 503), then latency, then what the body says. Pure: the answer is already read. */
export function judgeAnswer(expected: AnswerExpectations, answer: HttpAnswer): AnswerVerdict {
  if (!statusExpected(answer.status, expected.status)) {
    return { ok: false, failure: 'status', reason: `HTTP ${answer.status} (expected ${describeExpectedStatus(expected.status)})` };
  }
  if (answer.latencyMs > expected.maxLatencyMs) {
    return { ok: false, failure: 'latency', reason: `latency ${answer.latencyMs} ms over the ${expected.maxLatencyMs} ms limit` };
  }
  if (expected.bodyContains !== undefined && !answer.body.includes(expected.bodyContains, 0, 'utf8')) {
    const within = answer.truncated ? ` in its first ${answer.body.length} bytes` : '';
    return { ok: false, failure: 'body', reason: `body lacks ${quoteJson(expected.bodyContains)}${within}` };
  }
  const json = expected.jsonField ? judgeJsonField(expected.jsonField, answer) : null;
  if (json) return { ok: false, failure: 'json', reason: json };
  return { ok: true, reason: `HTTP ${answer.status} in ${answer.latencyMs} ms` };
}

function judgeJsonField(field: { path: string; equals: JsonScalar }, answer: HttpAnswer): string | null {
  if (answer.truncated) return `body over ${answer.body.length} bytes: JSON field ${field.path} not read`;
  let document: unknown;
  try {
    document = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return `body is not JSON: JSON field ${field.path} not read`;
  }
  const reading = readJsonField(document, field.path);
  if (!reading.found) return `JSON field ${field.path} missing`;
  if (reading.value === field.equals) return null;
  return `JSON field ${field.path} is ${quoteJson(reading.value)}, expected ${quoteJson(field.equals)}`;
}
