import { createHash } from 'node:crypto';
import { EVOLVE_VERSION } from '../home.ts';
import { CANDIDATE_STATUSES } from '../lineage/schema.ts';
import { renderCostChart, renderValueChart } from './charts.ts';
import { plotted, type ReportData } from './data.ts';
import { candidateListHead, renderCandidate, renderHeader } from './details.ts';
import { esc } from './html.ts';
import { renderTree, treeLegend } from './tree.ts';

/**
 * One self-contained HTML page: styles, the small script and all data inline, no URL outside the page, so it opens
 * from file:// offline. Its Content-Security-Policy allows nothing to load and only its own script (by hash) to
 * run: even a mistake in escaping could not make the page fetch or execute what a candidate wrote.
 */

const STYLE = `
:root{--passed:#2e9e4f;--failed:#d64545;--rejected:#9a9a9a;--budget:#e08a1e;--error:#8e44ad;--live:#e6c229;--gold:#c99700;--ink:#1d232b;--soft:#5b6673;--line:#d9dee4}
*{box-sizing:border-box}body{margin:0;padding:20px 28px 60px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#fafbfc}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px}h4{margin:12px 0 4px;font-size:13px;color:var(--soft)}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
a{color:#0b5cad}.run-status{font-size:13px;padding:2px 8px;border-radius:10px;background:#e8ecf0;vertical-align:middle}
.rs-done{background:#d6f0dc}.rs-failed{background:#f6d5d5}.rs-stopped{background:#f8e6c8}.rs-running{background:#fbf1c2}
.standin{background:#fff4d6;border:1px solid #e9cf7a;padding:8px 12px;border-radius:6px;max-width:900px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}dt{color:var(--soft)}dd{margin:0;overflow-wrap:anywhere}
details.config pre{max-height:360px;overflow:auto;background:#fff;border:1px solid var(--line);padding:8px}
.scroll{overflow:auto;max-height:78vh;background:#fff;border:1px solid var(--line);border-radius:6px}
svg text{font:11px system-ui,sans-serif;fill:var(--soft)}
.edges{fill:none;stroke:#b4bcc6;stroke-width:1}.edges.best-path{stroke:var(--gold);stroke-width:3}
.lineage .node circle{stroke:#fff;stroke-width:1}.lineage .node[data-survived="1"]>circle:not(.best-ring){stroke:var(--ink);stroke-width:2.2}
.best-ring,.lineage .node .best-ring{fill:none;stroke:var(--gold);stroke-width:3}.lineage .node:hover circle,.lineage .node.selected circle{stroke:#0b5cad;stroke-width:3}
.lineage .node-label{font-weight:600;fill:var(--ink);text-anchor:middle}
.st-passed,[data-status=passed]>circle{fill:var(--passed)}.st-failed,[data-status=failed]>circle{fill:var(--failed)}
.st-rejected,[data-status=rejected]>circle{fill:var(--rejected)}.st-budget_exhausted,[data-status=budget_exhausted]>circle{fill:var(--budget)}
.st-error,[data-status=error]>circle{fill:var(--error)}.st-pending,.st-running,.st-evaluating,[data-status=pending]>circle,[data-status=running]>circle,[data-status=evaluating]>circle{fill:var(--live)}
.key-survivor{fill:var(--passed);stroke:var(--ink);stroke-width:2.2}
.legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--soft);font-size:12.5px}.key{display:inline-flex;align-items:center;gap:5px}
.chart{width:100%;max-width:900px;height:auto;background:#fff;border:1px solid var(--line);border-radius:6px}
.chart .grid{stroke:#eef1f4}.chart .dot{stroke:#fff;stroke-width:.8;opacity:.9}.chart .best-so-far{fill:none;stroke:var(--gold);stroke-width:2.5}
.chart .bar{fill:#6a8fc0}.chart .axis{fill:var(--ink)}
.list-head,details.candidate>summary{display:grid;grid-template-columns:92px 40px 130px 80px 80px 90px 78px 34px minmax(0,1fr);gap:8px;align-items:center;padding:3px 8px}
.list-head{font-size:12px;color:var(--soft);border-bottom:1px solid var(--line)}
details.candidate{border-bottom:1px solid #eceff2;background:#fff}details.candidate>summary{cursor:pointer;list-style:none}
details.candidate>summary::-webkit-details-marker{display:none}details.candidate[open]>summary,details.candidate:target>summary{background:#eef4fb}
.list-head>:nth-child(n+4):nth-child(-n+7),summary>:nth-child(n+4):nth-child(-n+7){text-align:right;font-variant-numeric:tabular-nums}.goal{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.status{color:#fff;border-radius:9px;padding:0 7px;font-size:12px;justify-self:start}
.status.st-passed{background:var(--passed)}.status.st-failed{background:var(--failed)}.status.st-rejected{background:var(--rejected)}
.status.st-budget_exhausted{background:var(--budget)}.status.st-error{background:var(--error)}
.status.st-pending,.status.st-running,.status.st-evaluating{background:var(--live);color:var(--ink)}
.mark-survivor{color:var(--ink)}.mark-best{color:var(--gold);margin-left:2px}
.body{padding:4px 14px 14px 24px}.text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:1000px}
.reason{color:#a02828;white-space:pre-wrap}.note{color:var(--soft)}
table.metrics{border-collapse:collapse;margin:8px 0}table.metrics caption{text-align:left;color:var(--soft);font-size:13px}
table.metrics th,table.metrics td{border:1px solid var(--line);padding:2px 8px;text-align:left}table.metrics .objective{background:#fff4d6}
pre.diff{background:#f6f8fa;border:1px solid var(--line);padding:8px;overflow:auto;max-height:480px}
pre.diff ins{text-decoration:none;color:#116329;background:#e6ffec}pre.diff del{text-decoration:none;color:#82071e;background:#ffebe9}pre.diff i{font-style:normal;color:#6639ba}
footer{margin-top:30px;color:var(--soft);font-size:12px}
`;

/** Opens the candidate a link points at (a node in the tree, a parent link) and rings its node. */
const SCRIPT = `(function(){
function show(){var h=decodeURIComponent(location.hash.slice(1));var old=document.querySelectorAll('.lineage .selected');
for(var i=0;i<old.length;i++)old[i].classList.remove('selected');if(h.indexOf('c-')!==0)return;
var d=document.getElementById(h);if(d&&d.tagName==='DETAILS')d.open=true;
var n=document.querySelector('.lineage .node[data-id="'+h.slice(2).replace(/[^0-9a-zA-Z_-]/g,'')+'"]');if(n)n.classList.add('selected');}
window.addEventListener('hashchange',show);show();})();`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

export const CONTENT_SECURITY_POLICY =
  `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

/** Said once above the list rather than at length in each candidate whose diff the page had no room for. */
function leftOutNote(data: ReportData): string {
  let n = 0;
  for (const d of data.diffs.values()) if (d.kind === 'left_out') n++;
  if (n === 0) return '';
  return `<p class="note">${n.toLocaleString('en-US')} diff${n === 1 ? ' is' : 's are'} left out to keep the page small: the room went first to the path to the best, then to the survivors, then to the rest in order. <code>evolve show &lt;id&gt; --diff</code> prints any of them.</p>`;
}

export function renderReport(data: ReportData): string {
  const present = CANDIDATE_STATUSES.filter((s) => data.candidates.some((c) => c.status === s));
  const label = data.objective ? data.objective.metric : 'score';
  const higherIsBetter = data.objective ? data.objective.higherIsBetter : true;
  const valueNote = data.objective
    ? `Each dot a candidate's <code>${esc(label)}</code> (the run's objective, ${higherIsBetter ? 'higher' : 'lower'} is better); the line the best passed value so far.`
    : 'Each dot a candidate\'s score; the line the best passed score so far.';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CONTENT_SECURITY_POLICY)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="evolve ${esc(EVOLVE_VERSION)}">`,
    `<title>evolve run ${esc(data.run.id)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    renderHeader(data),
    `<section id="lineage"><h2>Lineage</h2><p class="note">One circle per candidate, one column per generation; click one for its details.</p>`,
    `<div class="scroll">${renderTree({ candidates: data.candidates, bestId: data.best?.id ?? null, bestPath: data.bestPath })}</div>`,
    treeLegend(present), '</section>',
    `<section id="values"><h2>${esc(label[0].toUpperCase() + label.slice(1))} per generation</h2><p class="note">${valueNote}</p>`,
    renderValueChart({ candidates: data.candidates, value: (c) => plotted(data, c), label, higherIsBetter }), '</section>',
    '<section id="cost"><h2>Cost per generation</h2><p class="note">Every model call of the generation\'s candidates, as the proxy metered it.</p>',
    renderCostChart(data.stats), '</section>',
    `<section id="candidates"><h2>Candidates</h2>${leftOutNote(data)}${candidateListHead(data)}`,
    data.candidates.map((c) => renderCandidate(data, c)).join('\n'),
    '</section>',
    `<footer>Made by evolve ${esc(EVOLVE_VERSION)}: one file, nothing loaded from elsewhere.</footer>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>', '',
  ].join('\n');
}
