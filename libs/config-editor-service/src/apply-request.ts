import { isTargetKind, targetIdError, type ConfigApplyRequest, type FieldProblem } from '@jarvis/contracts';
import { parseConfigEdit, type ConfigEdit } from '@jarvis/config-editing';

/** An apply request whose shape was checked: its edit is a ConfigEdit. */
export type CheckedApplyRequest = ConfigApplyRequest & { edit: ConfigEdit };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

/** Reads an untrusted apply request; every problem names its field. */
export function parseApplyRequest(body: unknown): { ok: true; request: CheckedApplyRequest } | { ok: false; problems: FieldProblem[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problems: [{ field: 'request', reason: 'must be an object' }] };
  const { actionId, caseId, target, action, edit, approvalId } = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  if (typeof actionId !== 'string' || !UUID.test(actionId)) problems.push({ field: 'actionId', reason: 'must be a UUID (the ActionStarted id)' });
  if (typeof caseId !== 'string' || !UUID.test(caseId)) problems.push({ field: 'caseId', reason: 'must be a UUID' });
  if (approvalId !== undefined && (typeof approvalId !== 'string' || !UUID.test(approvalId))) problems.push({ field: 'approvalId', reason: 'must be a UUID when given' });
  if (typeof action !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/u.test(action)) problems.push({ field: 'action', reason: 'must be an action name' });
  problems.push(...targetProblems(target));
  const parsed = parseConfigEdit(edit);
  if (!parsed.ok) problems.push(...parsed.problems.map(({ field, reason }) => ({ field: `edit.${field}`, reason })));
  if (problems.length > 0 || !parsed.ok) return { ok: false, problems };
  return { ok: true, request: { ...(body as ConfigApplyRequest), edit: parsed.value } };
}

function targetProblems(target: unknown): FieldProblem[] {
  if (typeof target !== 'object' || target === null) return [{ field: 'target', reason: 'must be an object { kind, id }' }];
  const { kind, id } = target as Record<string, unknown>;
  if (!isTargetKind(kind)) return [{ field: 'target.kind', reason: 'is not a known target kind' }];
  const problem = targetIdError(kind, id);
  return problem ? [{ field: 'target.id', reason: problem }] : [];
}
