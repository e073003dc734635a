import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { caseStepLine, caseStepOf } from '@jarvis/incidents';

type Counts = Map<string, number>;

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Counts {
  const counts: Counts = new Map();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

const decisionIdOf = (types: readonly string[]) => (e: JarvisEvent): string | undefined =>
  types.includes(e.type) ? (e.data as { decisionId?: string }).decisionId : undefined;

const EXECUTOR_ANSWERS = ['ActionStarted', 'ActionRefused', 'DecisionSuperseded'];
const ACTION_RESULTS = ['ActionSucceeded', 'ActionFailed'];
const VERDICTS = ['VerificationPassed', 'VerificationFailed'];
const CLOSINGS = ['IncidentResolved', 'IncidentEscalated'];

/**
 * What an event store that stored every fact exactly once must satisfy, as readable problems (none: it holds):
 * unique ids; one executor answer per execute decision, one result per started action, one verdict per success;
 * one decision per cause; every incident resolved once or escalated.
 */
export function exactlyOnceProblems(events: readonly JarvisEvent[]): string[] {
  const problems: string[] = [];
  for (const [id, n] of countBy(events, (e) => e.id)) if (n > 1) problems.push(`event id ${id} stored ${n} times`);
  for (const [cause, n] of countBy(events, (e) => (e.type === 'RemediationDecided' ? (e.causationId ?? undefined) : undefined))) {
    if (n > 1) problems.push(`${n} decisions caused by ${cause}`);
  }
  const decisions = events.filter((e): e is JarvisEventOf<'RemediationDecided'> => e.type === 'RemediationDecided' && e.data.outcome === 'execute');
  problems.push(...exactlyOne('execute decision', decisions.map((d) => d.id), countBy(events, decisionIdOf(EXECUTOR_ANSWERS)), 'executor answer'));
  const started = events.filter((e) => e.type === 'ActionStarted').map((e) => (e as JarvisEventOf<'ActionStarted'>).data.decisionId);
  problems.push(...exactlyOne('started action of decision', started, countBy(events, decisionIdOf(ACTION_RESULTS)), 'result'));
  const succeeded = events.filter((e) => e.type === 'ActionSucceeded').map((e) => (e as JarvisEventOf<'ActionSucceeded'>).data.decisionId);
  problems.push(...exactlyOne('succeeded action of decision', succeeded, countBy(events, decisionIdOf(VERDICTS)), 'verdict'));
  const closings = countBy(events, (e) => (CLOSINGS.includes(e.type) ? e.correlationId : undefined));
  const resolutions = countBy(events, (e) => (e.type === 'IncidentResolved' ? e.correlationId : undefined));
  for (const opened of events.filter((e) => e.type === 'IncidentOpened')) {
    if ((closings.get(opened.correlationId) ?? 0) === 0) problems.push(`incident ${opened.correlationId} (${opened.subject}) neither resolved nor escalated`);
    if ((resolutions.get(opened.correlationId) ?? 0) > 1) problems.push(`incident ${opened.correlationId} resolved ${resolutions.get(opened.correlationId)} times`);
  }
  return problems;
}

function exactlyOne(what: string, ids: readonly string[], answers: Counts, answer: string): string[] {
  return ids.filter((id) => answers.get(id) !== 1).map((id) => `${what} ${id} has ${answers.get(id) ?? 0} ${answer}(s)`);
}

/**
 * The case steps a service logged (it logs one once the store acknowledged its append, never for a duplicate) that
 * the store does not hold as often: each is an acknowledged event that was lost or stored too rarely.
 */
export function loggedStepsNotStored(loggedSteps: readonly string[], events: readonly JarvisEvent[]): string[] {
  const stored = countBy(events, (event) => {
    const step = caseStepOf(event);
    return step.quiet ? undefined : caseStepLine(event, step);
  });
  const missing: string[] = [];
  for (const [line, n] of countBy(loggedSteps, (line) => line)) {
    if ((stored.get(line) ?? 0) < n) missing.push(`logged ${n} time(s), stored ${stored.get(line) ?? 0}: ${line}`);
  }
  return missing;
}
