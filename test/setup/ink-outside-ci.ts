// The tests that draw the TUI in-process load Ink the way bin/evolve.mjs does: outside CI mode, even under CI=true.
import { loadOutsideCi } from '../../bin/ink-outside-ci.mjs';

await loadOutsideCi(async () => undefined);
