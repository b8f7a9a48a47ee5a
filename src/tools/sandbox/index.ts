/** The jail the runner draws around every candidate process. See docs/jail.md. */
export { buildJail, hostPathKind, type JailCommand, type PathKind } from './build.ts';
export { spawnJailed, type JailedProcess, type JailedResult, type SpawnJailedOptions } from './spawn.ts';
export { probeSandbox, diagnoseSandbox, probeLimits, findBwrap, type SandboxProbe, type LimitsMode, type ProbeHost } from './probe.ts';
export { jailEnv, scrubEnv, isSecretName, JAIL_HOME } from './env.ts';
export { defaultHidden, DEFAULT_LIMITS, JAIL_NOFILE, JAIL_UID, type JailSpec, type JailLimits, type Bind } from './spec.ts';
