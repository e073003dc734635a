import { targetKey, type TargetRef } from '@jarvis/contracts';

/** One target relies on another to work: its failure can be a consequence of the other's (DNS on ddclient). */
export type TargetDependency = { target: TargetRef; dependsOn: TargetRef; why: string };

/**
 * Which targets rely on which, as the kinds derive it from jarvis.yaml, by target key. Acyclic by construction:
 * `TargetDependencyGraph.of` refuses a cycle, naming its targets.
 */
export class TargetDependencyGraph {
  private readonly direct = new Map<string, string[]>();
  private readonly reverse = new Map<string, string[]>();

  private constructor(dependencies: readonly TargetDependency[]) {
    for (const { target, dependsOn } of dependencies) {
      addEdge(this.direct, targetKey(target), targetKey(dependsOn));
      addEdge(this.reverse, targetKey(dependsOn), targetKey(target));
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

  /** The targets `target` relies on directly. */
  dependenciesOf(target: string): readonly string[] {
    return this.direct.get(target) ?? [];
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
