import { expect, it } from 'vitest';
import { limitsWarning } from '../../src/evolve/jail/jail.ts';

// docs/jail.md promises a loud line when the jail runs without process and memory limits; this machine has cgroups,
// so the run itself cannot show it here: the line is checked for every mode instead.
it('warns, in one line, only when the jail has no process and memory limits', () => {
  expect(limitsWarning('none')).toMatch(/^WARNING: limits: none — .*WITHOUT process and memory limits/);
  expect(limitsWarning('none')).not.toContain('\n');
  for (const mode of ['cgroup', 'systemd', 'systemd-system'] as const) expect(limitsWarning(mode)).toBeNull();
});
