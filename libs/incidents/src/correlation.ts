import { caseKeyOf, instantMs, MAX_CHAIN_LENGTH } from '@jarvis/contracts';
import { failingConsequences, openIncidentsOf, type ConsequenceRecord, type IncidentBook, type IncidentRecord } from './incident-projection.js';

/** What correlation needs of the dependency graph (`TargetDependencyGraph` in @jarvis/registry), by target key. */
export type Dependencies = {
  /** With `check`, only the targets that check relies on (a dependency may hold for one check of a target). */
  dependenciesOf(target: string, check?: string): readonly string[];
  allDependentsOf(target: string): string[];
};

/** A failing check's place: the incident of its deepest failing dependency, and the targets from it to that root. */
export type Correlation = { root: IncidentRecord; chain: string[] };

/**
 * The incident a new failure of `target` joins instead of opening its own: that of the deepest failing target it
 * relies on, directly or through other failing targets. A dependency fails when it has an open incident, or is
 * itself a failing consequence of one (the chain then runs on to that incident's target). A healthy target in
 * between breaks the chain: ddclient failing does not explain a certificate whose name still resolves. Null when
 * nothing it relies on fails. `check`: the failing check, when only some of the target's checks rely on others.
 */
export function correlate(book: IncidentBook, target: string, graph: Dependencies, check?: string): Correlation | null {
  let deepest: Correlation | null = null;
  const walk = (node: string, path: string[]): void => {
    if (path.length >= MAX_CHAIN_LENGTH) return;
    for (const next of graph.dependenciesOf(node, node === target ? check : undefined)) {
      const chain = [...path, next];
      const found = failureOf(book, next, chain);
      if (!found) continue;
      if (!deepest || found.chain.length > deepest.chain.length) deepest = found;
      walk(next, chain);
    }
  };
  walk(target, [target]);
  return deepest;
}

/** An incident of a target that relies on `root.target`, opened before that root failed: merged into the root's. */
export type Merge = {
  incident: IncidentRecord;
  /** From the merged incident's target to the root. */
  chain: string[];
  /** The merged incident's own failing consequences, with their chains carried on to the root. */
  moved: Array<{ consequence: ConsequenceRecord; chain: string[] }>;
};

/**
 * Incidents that become consequences of `root` now that `failing` fails (the root's own target, or a consequence of
 * it with `chain` from `failing` to the root): the open incidents of every target relying on `failing`.
 */
export function mergesInto(book: IncidentBook, root: IncidentRecord, failing: string, chain: readonly string[], graph: Dependencies): Merge[] {
  return graph.allDependentsOf(failing).flatMap((dependent) => {
    const path = pathBetween(dependent, failing, graph);
    if (!path) return [];
    const toRoot = [...path, ...chain.slice(1)];
    if (toRoot.length > MAX_CHAIN_LENGTH) return [];
    return openIncidentsOf(book, dependent)
      .filter((incident) => incident.id !== root.id && graph.dependenciesOf(dependent, incident.check).includes(path[1]!))
      .map((incident) => ({
        incident,
        chain: toRoot,
        moved: failingConsequences(incident).flatMap((consequence) => {
          const moved = [...consequence.chain, ...toRoot.slice(1)];
          return moved.length > MAX_CHAIN_LENGTH ? [] : [{ consequence, chain: moved }];
        }),
      }));
  });
}

/**
 * The consequences still failing `graceMs` after the root's fix was verified: the incident escalates naming them.
 * The grace does not run while a consequence's remediation waits for a person's approval, and starts afresh when it
 * is granted; a rejection or expiry escalates at once (the policy), so the grace never waits on it.
 */
export function overdueConsequences(incident: IncidentRecord, now: Date, graceMs: number): ConsequenceRecord[] {
  const { verifiedAt } = incident;
  if (incident.status !== 'open' || verifiedAt === null) return [];
  const graceFrom = (c: ConsequenceRecord) => Math.max(instantMs(verifiedAt), c.approvedAt === null ? 0 : instantMs(c.approvedAt));
  return failingConsequences(incident).filter((c) => c.pendingApprovalId === null && now.getTime() - graceFrom(c) > graceMs);
}

/**
 * The root's fix is in and every consequence passes again: the incident may resolve. Without an action (the root
 * recovered by itself) its own next passing check resolves it.
 */
export function readyToResolve(incident: IncidentRecord): boolean {
  return incident.status !== 'resolved' && incident.verifiedAt !== null && incident.pendingDecisionId === null && failingConsequences(incident).length === 0;
}

/**
 * The failing consequences in the order their own remediations make sense once the root is fixed: nearest the root
 * first (the DNS record before the certificate that needs it), then in the order they joined.
 */
export function remediationOrder(incident: IncidentRecord): ConsequenceRecord[] {
  return failingConsequences(incident)
    .map((consequence, joined) => ({ consequence, joined }))
    .sort((a, b) => a.consequence.chain.length - b.consequence.chain.length || a.joined - b.joined)
    .map(({ consequence }) => consequence);
}

function failureOf(book: IncidentBook, target: string, chain: string[]): Correlation | null {
  const [own] = openIncidentsOf(book, target).sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  if (own) return { root: own, chain };
  for (const [key, rootId] of book.consequenceOf) {
    if (!key.startsWith(caseKeyOf(target, ''))) continue;
    const root = book.byId.get(rootId);
    const link = root?.consequences.find((c) => c.state === 'failing' && caseKeyOf(c.target, c.check) === key);
    if (root && root.status !== 'resolved' && link) return { root, chain: [...chain, ...link.chain.slice(1)] };
  }
  return null;
}

/** The shortest way from `from` down its dependencies to `to`, both included. */
function pathBetween(from: string, to: string, graph: Dependencies): string[] | null {
  const queue: string[][] = [[from]];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const last = path[path.length - 1]!;
    if (last === to) return path;
    if (path.length < MAX_CHAIN_LENGTH) for (const next of graph.dependenciesOf(last)) queue.push([...path, next]);
  }
  return null;
}
