import { Box, Static, Text } from 'ink';
import type { LogLine } from '../activity.ts';
import type { ScreenModel } from '../screen.ts';
import { TONE_COLOR } from '../theme.ts';
import { ColorsContext } from './colors.tsx';
import { DetailPane } from './DetailPane.tsx';
import { Header } from './Header.tsx';
import { KeyHints } from './KeyHints.tsx';
import { TreeView } from './TreeView.tsx';

export interface ScreenProps {
  model: ScreenModel;
  log: readonly LogLine[];
  selectedId: string | null;
  bestId: string | null;
  frame: number;
  follow: boolean;
  confirmingStop: boolean;
  notice: string | null;
  colors: boolean;
}

/** One frame: finished log lines in <Static> (printed once, above), then the live area. */
export function Screen({ model, log, selectedId, bestId, frame, follow, confirmingStop, notice, colors }: ScreenProps) {
  return (
    <ColorsContext.Provider value={colors}>
      <Static items={log as LogLine[]}>
        {(line) => <Text key={line.id} color={colors ? TONE_COLOR[line.tone] : undefined}>{line.text}</Text>}
      </Static>
      <Box flexDirection="column" width={model.width}>
        <Header lines={model.header} width={model.width} />
        <TreeView rows={model.rows} layout={model.layout} selectedId={selectedId} bestId={bestId} frame={frame} />
        {model.detail && <DetailPane lines={model.detail} width={model.width} />}
        <KeyHints width={model.width} confirmingStop={confirmingStop} follow={follow} detailOpen={!!model.detail}
          position={model.position} notice={notice} />
      </Box>
    </ColorsContext.Provider>
  );
}
