// Finds import loops and writes them as chains a reader can follow (a -> b -> c -> a). A loop of 40 files has far
// too many distinct cycles to list them all, so each strongly connected component is reported with its files and
// the shortest cycle through each of them: every file caught in a loop appears in at least one chain.
import type { ImportEdge } from './source-graph';

/** Strongly connected components (Tarjan) that contain a cycle: two or more files, or one importing itself. */
export function cyclicComponents(nodes: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const successors = successorMap(nodes, edges);
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  // Iterative depth-first search: a deep import chain must not overflow the call stack.
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    index.set(start, counter);
    lowLink.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const children = successors.get(frame.node) ?? [];
      if (frame.next < children.length) {
        const child = children[frame.next++];
        if (!index.has(child)) {
          index.set(child, counter);
          lowLink.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, next: 0 });
        } else if (onStack.has(child)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.node, Math.min(lowLink.get(parent.node)!, lowLink.get(frame.node)!));
      if (lowLink.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && (successors.get(member) ?? []).includes(member);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components.sort((a, b) => b.length - a.length || a[0].localeCompare(b[0]));
}

/** The shortest cycle through `start` using only files of `component` (breadth-first), as a closed path. */
export function shortestCycleThrough(start: string, component: ReadonlySet<string>, edges: readonly ImportEdge[]): string[] {
  const successors = successorMap(
    [...component],
    edges.filter((e) => component.has(e.from) && component.has(e.to)),
  );
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const next of successors.get(node) ?? []) {
      if (next === start) {
        const path = [start];
        for (let step = node; step !== start; step = cameFrom.get(step)!) path.splice(1, 0, step);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  throw new Error(`${start} is in a cyclic component but on no cycle`);
}

/** One readable block per loop: its size, its files, then the shortest chain through each file (deduplicated). */
export function describeCycles(components: readonly string[][], edges: readonly ImportEdge[]): string {
  const typeOnly = new Set(edges.filter((e) => e.typeOnly).map((e) => `${e.from}\0${e.to}`));
  const arrow = (from: string, to: string): string => (typeOnly.has(`${from}\0${to}`) ? ' -(type)-> ' : ' -> ');
  const blocks = components.map((component, n) => {
    const members = new Set(component);
    const seen = new Set<string>();
    const chains: string[] = [];
    for (const file of component) {
      const cycle = shortestCycleThrough(file, members, edges);
      const key = canonicalRotation(cycle.slice(0, -1)).join('\0');
      if (seen.has(key)) continue;
      seen.add(key);
      chains.push(cycle.map((step, i) => (i === 0 ? step : `${arrow(cycle[i - 1], step)}${step}`)).join(''));
    }
    return [`Loop ${n + 1}: ${component.length} files (${component.join(', ')})`, ...chains.map((chain) => `  ${chain}`)].join('\n');
  });
  return `${components.length} import loop(s); "-(type)->" marks an import that is type-only.\n${blocks.join('\n\n')}`;
}

function canonicalRotation(cycle: readonly string[]): string[] {
  const smallest = cycle.reduce((best, step, i) => (step < cycle[best] ? i : best), 0);
  return [...cycle.slice(smallest), ...cycle.slice(0, smallest)];
}

function successorMap(nodes: readonly string[], edges: readonly ImportEdge[]): Map<string, string[]> {
  const successors = new Map<string, string[]>(nodes.map((node) => [node, []]));
  for (const edge of edges) successors.get(edge.from)?.push(edge.to);
  for (const list of successors.values()) list.sort();
  return successors;
}
