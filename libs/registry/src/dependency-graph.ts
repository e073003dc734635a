import { targetKey, type TargetRef } from '@jarvis/contracts';

/**
 * One target relies on another to work: its failure can be a consequence of the other's (DNS on ddclient). `check`:
 * only that check of `target` relies on `dependsOn` (a Caddy's certificates on its sites' names, not its admin API).
 */
export type TargetDependency = { target: TargetRef; dependsOn: TargetRef; why: string; check?: string };

/** An edge of the graph: to whom, and for which of the dependent's checks (all when absent). */
type Edge = { to: string; check: string | undefined };

/**
 * Which targets rely on which, as the kinds derive it from jarvis.yaml, by target key. Acyclic by construction:
 * `TargetDependencyGraph.of` refuses a cycle, naming its targets.
 */
export class TargetDependencyGraph {
  private readonly direct = new Map<string, Edge[]>();
  private readonly reverse = new Map<string, string[]>();

  private constructor(dependencies: readonly TargetDependency[]) {
    for (const { target, dependsOn, check } of dependencies) {
      const from = targetKey(target);
      const edges = this.direct.get(from) ?? [];
      if (!edges.some((e) => e.to === targetKey(dependsOn) && e.check === check)) edges.push({ to: targetKey(dependsOn), check });
      this.direct.set(from, edges);
      addEdge(this.reverse, targetKey(dependsOn), from);
    }
  }

  /** The graph, or the cycles it would have, each as `a → b → a`. */
  static of(dependencies: readonly TargetDependency[]): { ok: true; graph: TargetDependencyGraph } | { ok: false; problems: string[] } {
    const graph = new TargetDependencyGraph(dependencies);
    const cycles = graph.cycles();
    return cycles.length === 0 ? { ok: true, graph } : { ok: false, problems: cycles.map((cycle) => `dependency cycle: ${cycle.join(' → ')}`) };
  }

  static empty(): TargetDependencyGraph {
    return new TargetDependencyGraph([]);
  }

  /** The targets `target` relies on directly; with `check`, only those that check relies on. */
  dependenciesOf(target: string, check?: string): readonly string[] {
    const edges = (this.direct.get(target) ?? []).filter((e) => check === undefined || e.check === undefined || e.check === check);
    return [...new Set(edges.map((e) => e.to))];
  }

  /** The targets relying on `target` directly. */
  dependentsOf(target: string): readonly string[] {
    return this.reverse.get(target) ?? [];
  }

  /** Every target relying on `target`, directly or through others, nearest first. */
  allDependentsOf(target: string): string[] {
    const seen = new Set<string>();
    const queue = [...this.dependentsOf(target)];
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...this.dependentsOf(next));
    }
    return [...seen];
  }

  /** Depth-first, each cycle once, from the target where the walk met it. */
  private cycles(): string[][] {
    const done = new Set<string>();
    const found: string[][] = [];
    const walk = (node: string, path: string[]): void => {
      const at = path.indexOf(node);
      if (at >= 0) {
        found.push([...path.slice(at), node]);
        return;
      }
      if (done.has(node)) return;
      for (const next of this.dependenciesOf(node)) walk(next, [...path, node]);
      done.add(node);
    };
    for (const node of this.direct.keys()) walk(node, []);
    return found;
  }
}

function addEdge(edges: Map<string, string[]>, from: string, to: string): void {
  const list = edges.get(from) ?? [];
  if (!list.includes(to)) list.push(to);
  edges.set(from, list);
}
