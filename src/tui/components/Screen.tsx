import { Box, Static, Text } from 'ink';
import { useMemo } from 'react';
import type { LogLine } from '../activity.ts';
import type { ScreenModel } from '../screen.ts';
import { TONE_COLOR } from '../theme.ts';
import { ColorsContext } from './colors.tsx';
import { DetailPane } from './DetailPane.tsx';
import { Header } from './Header.tsx';
import { KeyHints } from './KeyHints.tsx';
import { TreeView } from './TreeView.tsx';
import type { Prompt } from '../view.ts';

export interface ScreenProps {
  model: ScreenModel;
  log: readonly LogLine[];
  selectedId: string | null;
  bestId: string | null;
  frame: number;
  follow: boolean;
  confirmingStop: boolean;
  notice: string | null;
  /** The answer to the last key (not an error). */
  message?: string | null;
  prompt?: Prompt | null;
  colors: boolean;
  /** Changed after the screen was cleared: <Static> starts again, from the log's last lines. */
  logEpoch?: number;
}

/** How many log lines are printed again above the view after a resize cleared the screen. */
const RELOG_LINES = 10;

/** One frame: finished log lines in <Static> (printed once, above), then the live area. */
export function Screen({ model, log, selectedId, bestId, frame, follow, confirmingStop, notice, message, prompt, colors, logEpoch = 0 }: ScreenProps) {
  // Where the log starts for this epoch: all of it at first; after a clear, its last lines and whatever follows.
  const from = useMemo(() => (logEpoch === 0 ? 0 : Math.max(0, log.length - RELOG_LINES)), [logEpoch]);
  return (
    <ColorsContext.Provider value={colors}>
      {/* Mounted once there is a line to print: a new <Static> has Ink draw its frame once more (to print its lines before
          they are erased), which an empty one only wastes. */}
      {log.length > from && (
        <Static key={logEpoch} items={(from === 0 ? log : log.slice(from)) as LogLine[]}>
          {(line) => <Text key={line.id} color={colors ? TONE_COLOR[line.tone] : undefined}>{line.text}</Text>}
        </Static>
      )}
      <Box flexDirection="column" width={model.width}>
        <Header lines={model.header} width={model.width} />
        <TreeView rows={model.rows} layout={model.layout} selectedId={selectedId} bestId={bestId} frame={frame} width={model.width} />
        {model.detail && <DetailPane lines={model.detail} width={model.width} />}
        <KeyHints width={model.width} confirmingStop={confirmingStop} follow={follow} detailOpen={!!model.detail}
          position={model.position} notice={notice} message={message} prompt={prompt} />
      </Box>
    </ColorsContext.Provider>
  );
}
