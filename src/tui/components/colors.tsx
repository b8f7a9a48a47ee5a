import { createContext, useContext } from 'react';

/** Whether colours may be used (false under NO_COLOR); components ask through `useColor`. */
export const ColorsContext = createContext(true);

/** Returns the colour, or undefined when colours are off. */
export function useColor(): (color?: string) => string | undefined {
  const on = useContext(ColorsContext);
  return (color) => (on ? color : undefined);
}
