import { Box, Static, Text, useInput } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { layoutColumns, widestGuides } from './columns.ts';
import { ColorsContext } from './components/colors.tsx';
import { DetailPane } from './components/DetailPane.tsx';
import { Header } from './components/Header.tsx';
import { KeyHints } from './components/KeyHints.tsx';
import { TreeView } from './components/TreeView.tsx';
import { detailLines } from './detail.ts';
import { headerLines } from './header.ts';
import { useLineage, useTerminalSize } from './hooks.ts';
import type { LineageSource } from './source.ts';
import { bestCandidate, newestActivity, summarize } from './stats.ts';
import { colorsEnabled, TONE_COLOR } from './theme.ts';
import { buildForest, flatten, indexOfId, scrollTop } from './tree.ts';
import { initialView, keyNames, onData, reduceKey, type ViewContext, type ViewState } from './view.ts';

export interface AppProps {
  source: LineageSource;
  runId: string;
  /** Leave the view. `evolve watch` exits; during a run the runner unmounts the TUI. */
  onQuit: () => void;
  /** During a run only: called when the user answers y to "Stop the run?". Without it, q leaves at once. */
  onStopRequest?: () => void;
  pollMs?: number;
  width?: number;
  height?: number;
  colors?: boolean;
  clock?: () => number;
}

const systemClock = () => Date.now();

export function App({ source, runId, onQuit, onStopRequest, pollMs = 250, width, height, colors, clock = systemClock }: AppProps) {
  const size = useTerminalSize(width, height);
  const data = useLineage(source, runId, pollMs, clock);
  const [view, setView] = useState<ViewState>(initialView);

  const forest = useMemo(() => buildForest(data.candidates), [data.candidates]);
  const rows = useMemo(() => flatten(forest, view.folded), [forest, view.folded]);
  const best = useMemo(() => bestCandidate(data.candidates), [data.candidates]);
  const newestId = data.digest.newestCandidateId ?? newestActivity(data.candidates)?.id ?? null;
  const stats = summarize(data.run, data.config, data.candidates, data.now);

  // Keep the live area shorter than the terminal (a taller one makes Ink clear the screen on every frame).
  const budget = Math.max(6, size.rows - 1);
  const header = headerLines(data.run, data.config, stats, size.columns);
  const selected = data.candidates.find((c) => c.id === view.selectedId) ?? null;
  const room = budget - header.length - 1;
  const detail = view.detailOpen && selected
    ? detailLines(selected, data.digest.byCandidate.get(selected.id), {
      width: size.columns, maxLines: Math.max(3, Math.min(12, Math.floor(room / 2) - 1)), bestId: best?.id ?? null,
    })
    : null;
  const treeHeight = Math.max(1, room - (detail ? detail.length + 1 : 0));

  const ctx: ViewContext = {
    forest, candidates: data.candidates, bestId: best?.id ?? null, newestId,
    canStop: !!onStopRequest && data.run.status === 'running', pageSize: treeHeight,
  };
  const latest = useRef({ view, ctx });
  latest.current = { view, ctx };

  useEffect(() => {
    setView((v) => onData(v, latest.current.ctx));
  }, [data.candidates, newestId]);

  useInput((input, key) => {
    for (const name of keyNames(input, key)) {
      const { view: current, ctx: context } = latest.current;
      const { state, effect } = reduceKey(current, name, context);
      latest.current = { view: state, ctx: context };
      setView(state);
      if (effect === 'stop') onStopRequest?.();
      if (effect === 'stop' || effect === 'quit') return onQuit();
    }
  });

  const topRef = useRef(0);
  const index = indexOfId(rows, view.selectedId);
  topRef.current = scrollTop(topRef.current, index, treeHeight, rows.length);
  const top = topRef.current;
  const windowRows = rows.slice(top, top + treeHeight);
  const layout = useMemo(() => layoutColumns(size.columns, widestGuides(rows)), [size.columns, rows]);
  const position = rows.length > treeHeight ? `${top + 1}-${top + windowRows.length}/${rows.length}` : '';
  const useColors = colors ?? colorsEnabled();

  return (
    <ColorsContext.Provider value={useColors}>
      <Static items={data.digest.log}>
        {(line) => <Text key={line.id} color={useColors ? TONE_COLOR[line.tone] : undefined}>{line.text}</Text>}
      </Static>
      <Box flexDirection="column" width={size.columns}>
        <Header lines={header} />
        <TreeView rows={windowRows} layout={layout} selectedId={view.selectedId} bestId={best?.id ?? null} frame={data.frame} />
        {detail && <DetailPane lines={detail} width={size.columns} />}
        <KeyHints width={size.columns} confirmingStop={view.confirmingStop} follow={view.follow} detailOpen={!!detail}
          position={position} notice={data.error ? `database: ${data.error}` : null} />
      </Box>
    </ColorsContext.Provider>
  );
}
