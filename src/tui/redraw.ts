/**
 * A clean screen after a resize. When its width changes the terminal re-wraps what it shows, while Ink erases its
 * last frame by counting the lines it wrote: pieces of older frames were left above the view. Once the resizing has
 * settled, the screen is cleared, Ink forgets its last frame, and the view is drawn again (`redraw`, which also
 * prints the last few log lines again: the clear took them off the screen).
 */
export const CLEAR_SCREEN = '\u001b[2J\u001b[H'; // erase the visible screen (scrollback stays), cursor home

export interface Redrawable {
  /** Ink's instance.clear(): erase the last frame and forget it, so the next one is written whole. */
  clear(): void;
}

export function redrawAfterResize(
  stdout: NodeJS.WriteStream, ink: Redrawable, redraw: (epoch: number) => void, settleMs = 100,
): () => void {
  let epoch = 0;
  let timer: NodeJS.Timeout | null = null;
  const onResize = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      stdout.write(CLEAR_SCREEN);
      ink.clear();
      redraw(++epoch);
    }, settleMs);
  };
  stdout.on('resize', onResize);
  return () => {
    if (timer) clearTimeout(timer);
    stdout.off('resize', onResize);
  };
}
