import { INCIDENT_FILTERS, type IncidentListReply, type IncidentSummaryView, type IncidentView } from '@jarvis/contracts';
import { callApi } from './api-client.js';
import { answered, API_ENVIRONMENT, DONE, refused, USAGE, UUID } from './api-command.js';
import type { JarvisCommand } from './command-table.js';

/** Where the timeline's kept head ends and left-out entries are marked (the audit keeps the first 20 and the last 80). */
const TIMELINE_HEAD = 20;

const JSON_OPTION = { type: 'boolean', description: 'Print the API reply as JSON (for scripts) instead of text.' } as const;

export function incidentsCommand(): JarvisCommand {
  return {
    name: 'incidents',
    summary: 'Lists the incidents, newest first, with their state and the p50 MTTD/MTTR.',
    arguments: '[--status open|escalated|resolved|active|all] [--limit <n>] [--json]',
    details: `Asks the gateway (GET /api/jarvis/incidents); no token needed to read. "active" is open or escalated.\n\n${API_ENVIRONMENT}`,
    options: {
      status: { type: 'string', valueName: INCIDENT_FILTERS.join('|'), description: 'Only incidents in this state (default all).' },
      limit: { type: 'string', valueName: 'n', description: 'At most this many, 1-1000 (default 100).' },
      json: JSON_OPTION,
    },
    maxPositionals: 0,
    run: (input, terminal) =>
      answered(terminal, 'incidents', async () => {
        const query = new URLSearchParams();
        for (const name of ['status', 'limit']) if (typeof input.values[name] === 'string') query.set(name, input.values[name]);
        const reply = await callApi<IncidentListReply>(input.env, 'GET', `/incidents${query.size > 0 ? `?${query}` : ''}`);
        if (!reply.ok) return refused(terminal, 'incidents', reply.message);
        terminal.out(input.values['json'] ? `${JSON.stringify(reply.body, null, 2)}\n` : describeList(reply.body));
        return DONE;
      }),
  };
}

export function incidentCommand(): JarvisCommand {
  return {
    name: 'incident',
    summary: "Shows one incident: its state, timings and timeline, step by step.",
    arguments: '<incident-id> [--json]',
    details: `Asks the gateway (GET /api/jarvis/incidents/<id>); no token needed to read. The id is the case id that every
log line and event of the incident carries ([case <id>]).\n\n${API_ENVIRONMENT}`,
    options: { json: JSON_OPTION },
    maxPositionals: 1,
    run: (input, terminal) =>
      answered(terminal, 'incident', async () => {
        const [id] = input.positionals;
        if (id === undefined || !UUID.test(id)) {
          terminal.err(`jarvis incident: ${id === undefined ? 'missing <incident-id>' : `"${id}" is not an incident id (a UUID)`}\n\nRun "jarvis incident --help" for its usage.\n`);
          return USAGE;
        }
        const reply = await callApi<IncidentView>(input.env, 'GET', `/incidents/${id.toLowerCase()}`);
        if (!reply.ok) return refused(terminal, 'incident', reply.message);
        terminal.out(input.values['json'] ? `${JSON.stringify(reply.body, null, 2)}\n` : describeIncident(reply.body));
        return DONE;
      }),
  };
}

function describeList({ incidents, metrics }: IncidentListReply): string {
  const lines = incidents.map((i) => [i.id, stateOf(i).padEnd(20), i.target.padEnd(28), i.openedAt, i.summary].join('  '));
  const totals = `${metrics.incidents} incident(s): ${metrics.open} open, ${metrics.escalated} escalated, ${metrics.resolved} resolved; MTTD p50 ${duration(metrics.mttdMsP50)}, MTTR p50 ${duration(metrics.mttrMsP50)}`;
  return `${incidents.length === 0 ? 'No incidents.\n' : `${lines.join('\n')}\n`}${totals}\n`;
}

function describeIncident(incident: IncidentView): string {
  const timeline = incident.timeline.map((entry) => `  ${entry.time}  ${entry.type.padEnd(20)} ${entry.source.padEnd(13)} ${entry.summary}`);
  if (incident.timelineOmitted > 0) timeline.splice(TIMELINE_HEAD, 0, `  … ${incident.timelineOmitted} entries left out …`);
  return [
    `Incident ${incident.id} on ${incident.target}: ${stateOf(incident)}`,
    `  summary:   ${incident.summary}`,
    `  fault at:  ${incident.faultAt}; detected ${incident.detectedAt}; opened ${incident.openedAt}; resolved ${incident.resolvedAt ?? '-'}`,
    `  MTTD ${duration(incident.mttdMs)}, MTTR ${duration(incident.mttrMs)}; ${incident.decisions} decision(s), ${incident.actions} action(s)${incident.awaitsDecision ? '; awaits a decision' : ''}`,
    ...chainOf(incident),
    'Timeline:',
    ...timeline,
    '',
  ].join('\n');
}

/** Root → consequences, each with its state; or where a merged incident went. */
function chainOf(incident: IncidentView): string[] {
  const merged = incident.mergedInto ? [`  merged into incident ${incident.mergedInto}: it is a consequence of that one's target`] : [];
  if (incident.consequences.length === 0) return merged;
  const waiting = incident.verifiedAt && incident.status !== 'resolved' ? ` (root verified ${incident.verifiedAt}; waiting for its consequences)` : '';
  const lines = incident.consequences.map((c) => {
    const since = c.state === 'recovered' ? `recovered ${c.recoveredAt}` : `failing since ${c.linkedAt}`;
    return `  ${c.state === 'failing' ? '✗' : '✓'} ${c.target} ${c.check}: ${since}; ${c.chain.join(' → ')}; ${c.reason}`;
  });
  return [...merged, `Consequences of ${incident.target}${waiting}:`, ...lines];
}

function stateOf(incident: IncidentSummaryView): string {
  return incident.resolution ? `${incident.status} (${incident.resolution})` : incident.status;
}

function duration(ms: number | null): string {
  return ms === null ? '-' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 0)} s`;
}
