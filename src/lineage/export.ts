import type { CandidateRow, CandidateStatus, MetricRow, RunRow } from './schema.ts';
import type { GenerationStats, TreeNode } from './types.ts';
import { excerpt, formatDiff, formatScore } from './render.ts';
import { runConfigObject } from './run-config.ts';
import { safeJson, safeLine } from '../safe-text.ts';

/** Everything `evolve lineage --json` and `evolve export --format json` print about one run. */
export interface LineageDocument {
  run: Omit<RunRow, 'config_json'> & { config: unknown };
  best: string | null;
  generations: GenerationStats[];
  tree: JsonNode[];
}

/** A candidate with its user-judge metrics (median, spread, runs; [] when it was not judged) and its children. */
export type JsonNode = CandidateRow & { metrics: Omit<MetricRow, 'run_id' | 'candidate_id'>[]; children: JsonNode[] };

export const EXPORT_FORMATS = ['dot', 'mermaid', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface LineageView {
  run: RunRow;
  roots: TreeNode[];
  stats: GenerationStats[];
  best: CandidateRow | undefined;
  /** What the user judge measured, every candidate's metrics (empty without a judge). */
  metrics?: MetricRow[];
}


/** Candidate fields plus nested children, built without recursion (chains may be very deep). */
function toJsonNodes(roots: readonly TreeNode[], metrics: readonly MetricRow[] = []): JsonNode[] {
  const byCandidate = new Map<string, JsonNode['metrics']>();
  for (const { run_id: _r, candidate_id, ...m } of metrics) byCandidate.set(candidate_id, [...(byCandidate.get(candidate_id) ?? []), m]);
  const out: JsonNode[] = [];
  const stack: { node: TreeNode; into: JsonNode[] }[] = roots.map((node) => ({ node, into: out })).reverse();
  while (stack.length > 0) {
    const { node, into } = stack.pop()!;
    const json: JsonNode = { ...node.candidate, metrics: byCandidate.get(node.candidate.id) ?? [], children: [] };
    into.push(json);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i], into: json.children });
  }
  return out;
}

export function lineageDocument(view: LineageView): LineageDocument {
  const { config_json, ...run } = view.run;
  return {
    run: { ...run, config: runConfigObject(config_json) },
    best: view.best?.id ?? null,
    generations: view.stats,
    tree: toJsonNodes(view.roots, view.metrics),
  };
}

/** Every node and edge of the forest, parents before children. */
function walk(roots: readonly TreeNode[]): { nodes: CandidateRow[]; edges: [string, string][] } {
  const nodes: CandidateRow[] = [];
  const edges: [string, string][] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes.push(node.candidate);
    for (const child of node.children) edges.push([node.candidate.id, child.candidate.id]);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return { nodes, edges };
}

const FILL: Record<CandidateStatus, string> = {
  pending: '#fff7cc', running: '#fff7cc', evaluating: '#fff7cc', passed: '#d9f2d9', failed: '#f7d4d4',
  rejected: '#e6e6e6', budget_exhausted: '#f7e1c6', error: '#f7d4d4',
};

/** A node's label lines. The goal is the candidate's text: its control characters never reach the file. */
function labelLines(c: CandidateRow): string[] {
  const goal = safeLine(excerpt(c.goal, 40)) || (c.parent_id === null ? 'seed' : '');
  const objective = c.objective === null || c.objective === undefined ? '' : ` · objective ${formatScore(c.objective)}`;
  return [`${c.id} · g${c.generation}`, `${c.status} ${formatScore(c.score)} ${formatDiff(c)}${objective}`, goal].filter(Boolean);
}

const dotEscape = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const dotString = (s: string) => `"${dotEscape(s)}"`;

/** Graphviz: `dot -Tsvg lineage.dot -o lineage.svg`. Survivors bold, the best one double-framed. */
export function toDot(view: LineageView): string {
  const { nodes, edges } = walk(view.roots);
  const lines = [
    'digraph lineage {',
    `  graph [rankdir=TB, labelloc=t, label=${dotString(`evolve run ${view.run.id} (${view.run.status})`)}];`,
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
  ];
  for (const c of nodes) {
    const attrs = [`label="${labelLines(c).map(dotEscape).join('\\n')}"`, `fillcolor=${dotString(FILL[c.status])}`];
    if (c.survived) attrs.push('penwidth=2.5');
    if (c.id === view.best?.id) attrs.push('peripheries=2', 'color="#b8860b"');
    lines.push(`  ${dotString(c.id)} [${attrs.join(', ')}];`);
  }
  for (const [from, to] of edges) lines.push(`  ${dotString(from)} -> ${dotString(to)};`);
  lines.push('}', '');
  return lines.join('\n');
}

const mermaidText = (s: string) =>
  s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

/** Mermaid flowchart (GitHub renders it inside a ```mermaid fence). */
export function toMermaid(view: LineageView): string {
  const { nodes, edges } = walk(view.roots);
  const id = (candidateId: string) => `c_${candidateId}`;
  const lines = ['flowchart TD'];
  for (const c of nodes) lines.push(`  ${id(c.id)}["${labelLines(c).map(mermaidText).join('<br/>')}"]`);
  for (const [from, to] of edges) lines.push(`  ${id(from)} --> ${id(to)}`);
  const classes = new Set<string>();
  for (const c of nodes) {
    const names = [c.status, ...(c.survived ? ['survived'] : []), ...(c.id === view.best?.id ? ['best'] : [])];
    for (const name of names) {
      classes.add(name);
      lines.push(`  class ${id(c.id)} ${name}`);
    }
  }
  for (const name of classes) {
    if (name === 'survived') lines.push('  classDef survived stroke-width:3px');
    else if (name === 'best') lines.push('  classDef best stroke:#b8860b,stroke-width:4px');
    else lines.push(`  classDef ${name} fill:${FILL[name as CandidateStatus]}`);
  }
  lines.push('');
  return lines.join('\n');
}

export function exportLineage(view: LineageView, format: ExportFormat): string {
  switch (format) {
    case 'dot':
      return toDot(view);
    case 'mermaid':
      return toMermaid(view);
    case 'json':
      // Compact: indenting a tree 1,000 generations deep makes a string longer than V8 allows. Pipe it to jq.
      return safeJson(lineageDocument(view)) + '\n';
  }
}
