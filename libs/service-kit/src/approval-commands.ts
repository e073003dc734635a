import { userInfo } from 'node:os';
import type { ApprovalGrantedReply, ApprovalRejectedReply, ApprovalsReply, ApprovalView } from '@jarvis/contracts';
import { callApi } from './api-client.js';
import { answered, API_ENVIRONMENT, DONE, refused, USAGE, UUID } from './api-command.js';
import { readApiToken } from './api-token.js';
import type { CommandInput, JarvisCommand, Terminal } from './command-table.js';

export function approvalsCommand(): JarvisCommand {
  return {
    name: 'approvals',
    summary: 'Lists the pending approval requests: what each would run, on what, until when.',
    arguments: '',
    details: `Asks the gateway (GET /api/jarvis/approvals); no token needed to read.\n\n${API_ENVIRONMENT}`,
    options: {},
    maxPositionals: 0,
    run: (input, terminal) =>
      answered(terminal, 'approvals', async () => {
        const reply = await callApi<ApprovalsReply>(input.env, 'GET', '/approvals');
        if (!reply.ok) return refused(terminal, 'approvals', reply.message);
        if (reply.body.approvals.length === 0) terminal.out('No pending approval requests.\n');
        for (const approval of reply.body.approvals) terminal.out(describe(approval));
        return DONE;
      }),
  };
}

export function approveCommand(): JarvisCommand {
  return {
    name: 'approve',
    summary: 'Approves a pending request: its action runs once, exactly as shown.',
    arguments: '<approval-id> [--by <name>] [--digest <sha256>]',
    details: `Shows the request (action, target, parameters, risk, expiry), then grants exactly that: the grant names the
request's digest, so if the request changed in between, nothing is granted. The policy then decides once whether
the grant executes (not pending any more, expired or altered: refused, and recorded).
Needs the API token.\n\n${API_ENVIRONMENT}`,
    options: {
      by: { type: 'string', valueName: 'name', description: 'Who approves, for the log (default: your OS user name).' },
      digest: { type: 'string', valueName: 'sha256', description: 'Approve only if the request still has this digest (as shown by jarvis approvals).' },
    },
    maxPositionals: 1,
    run: (input, terminal) =>
      answered(terminal, 'approve', async () => {
        const id = approvalId(input, terminal, 'approve');
        if (id === null) return USAGE;
        const token = await readApiToken(input.env);
        const list = await callApi<ApprovalsReply>(input.env, 'GET', '/approvals');
        if (!list.ok) return refused(terminal, 'approve', list.message);
        const request = list.body.approvals.find((approval) => approval.id === id);
        if (!request) return refused(terminal, 'approve', `no pending approval request ${id} (unknown, answered or expired)`);
        terminal.out(`Approving:\n${describe(request)}`);
        const body = { by: answeredBy(input), digest: (input.values['digest'] as string | undefined) ?? request.digest };
        const reply = await callApi<ApprovalGrantedReply>(input.env, 'POST', `/approvals/${id}/approve`, { token, body });
        if (!reply.ok) return refused(terminal, 'approve', reply.message);
        terminal.out(`Granted by ${reply.body.by} (grant ${reply.body.grantId}); the policy now decides once whether it runs.\n`);
        return DONE;
      }),
  };
}

export function rejectCommand(): JarvisCommand {
  return {
    name: 'reject',
    summary: 'Rejects a pending request: its action does not run.',
    arguments: '<approval-id> [--by <name>] [--reason <text>]',
    details: `Records ApprovalRejected naming who and why. Needs the API token.\n\n${API_ENVIRONMENT}`,
    options: {
      by: { type: 'string', valueName: 'name', description: 'Who rejects, for the log (default: your OS user name).' },
      reason: { type: 'string', valueName: 'text', description: 'Why, for the log.' },
    },
    maxPositionals: 1,
    run: (input, terminal) =>
      answered(terminal, 'reject', async () => {
        const id = approvalId(input, terminal, 'reject');
        if (id === null) return USAGE;
        const token = await readApiToken(input.env);
        const reason = input.values['reason'] as string | undefined;
        const body = { by: answeredBy(input), ...(reason === undefined ? {} : { reason }) };
        const reply = await callApi<ApprovalRejectedReply>(input.env, 'POST', `/approvals/${id}/reject`, { token, body });
        if (!reply.ok) return refused(terminal, 'reject', reply.message);
        terminal.out(`Rejected by ${reply.body.by} (${reply.body.rejectionId}).\n`);
        return DONE;
      }),
  };
}

function describe(approval: ApprovalView): string {
  return [
    `${approval.id}`,
    `  action:  ${approval.action} on ${approval.target}`,
    ...(approval.consequenceCheck === undefined ? [] : [`  for:     ${approval.target} ${approval.consequenceCheck}, a consequence of case ${approval.caseId}`]),
    `  params:  ${JSON.stringify(approval.params)}`,
    `  risk:    ${approval.risk}`,
    `  expires: ${approval.expiresAt}`,
    `  reason:  ${approval.reason}`,
    `  digest:  ${approval.digest}`,
    ...(approval.diff === undefined ? [] : ['  diff (secrets masked):', ...approval.diff.split('\n').map((line) => `    ${line}`)]),
    '',
  ].join('\n');
}

function approvalId({ positionals }: CommandInput, terminal: Terminal, command: string): string | null {
  const [id] = positionals;
  if (id !== undefined && UUID.test(id)) return id.toLowerCase();
  terminal.err(`jarvis ${command}: ${id === undefined ? 'missing <approval-id>' : `"${id}" is not an approval id (a UUID)`}\n\nRun "jarvis ${command} --help" for its usage.\n`);
  return null;
}

function answeredBy({ values }: CommandInput): string {
  const by = values['by'] as string | undefined;
  if (by !== undefined) return by;
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}
