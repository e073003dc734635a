import { ConfigEditError } from './config-edit-error.js';

/** `key=rendered` in ddclient.conf, rendered as it must appear in the file (quoted when needed); `field` names the source of the change in errors. */
export function putDdclientAssignment(content: string, key: string, rendered: string, field: string): string {
  const lines = content.split('\n');
  const assignment = ddclientAssignment(key);
  const hits = assignmentLines(lines, assignment);
  if (hits.length > 1) throw new ConfigEditError(field, `ddclient.conf assigns ${key} on ${hits.length} lines; edit it with replace_text`);
  if (hits.length === 1) {
    const index = hits[0]!;
    lines[index] = lines[index]!.replace(assignment, (_all, lead: string) => `${lead}${key}=${rendered}`);
    return lines.join('\n');
  }
  const firstHost = lines.findIndex((line) => isHostLine(line));
  lines.splice(firstHost < 0 ? lastContentLine(lines) : firstHost, 0, `${key}=${rendered}`);
  return lines.join('\n');
}

/** The value of the one assignment of `key` in ddclient.conf, exactly as written (quotes kept); undefined when none. */
export function ddclientAssignedText(content: string, key: string, field: string): string | undefined {
  const lines = content.split('\n');
  const assignment = ddclientAssignment(key);
  const hits = assignmentLines(lines, assignment);
  if (hits.length > 1) throw new ConfigEditError(field, `assigns ${key} on ${hits.length} lines, so which one to take is ambiguous`);
  if (hits.length === 0) return undefined;
  return assignment.exec(stripComment(lines[hits[0]!]!))![2];
}

function ddclientAssignment(key: string): RegExp {
  return new RegExp(`(^|[\\s,])${key}\\s*=\\s*('[^']*'|"[^"]*"|[^\\s,\\\\#]*)`, 'u');
}

function assignmentLines(lines: string[], assignment: RegExp): number[] {
  return lines.flatMap((line, index) => (assignment.test(stripComment(line)) ? [index] : []));
}

function stripComment(line: string): string {
  return line.replace(/(^|\s)#.*$/u, '$1');
}

/** A line naming hosts to update: content that is not an assignment and does not continue one. */
function isHostLine(line: string): boolean {
  const content = stripComment(line).trim();
  return content.length > 0 && !content.includes('=');
}

function lastContentLine(lines: string[]): number {
  return lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
}
