/**
 * Moving content between a commit and a workspace without letting git touch the workspace's files: git would apply
 * the attributes found there (`.gitattributes` naming a filter, say LFS's, which the user's config then runs — and
 * which fetches from a URL the candidate chose). So the runner writes a checkout itself from `cat-file --batch`
 * (raw blobs, no smudge) and hashes a workspace itself with `hash-object --no-filters` (no clean). A `.git` file or
 * folder in a workspace is removed before the listing: git would take the folder holding it for a repository of its
 * own and record a gitlink (mode 160000) pointing into whatever repository it names.
 */
import { lstat, mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs git with the runner's environment for this workspace; `input` goes to its stdin. */
export type GitRun = (args: string[], input?: string | Buffer) => Promise<Buffer>;

export interface TreeEntry { mode: string; type: string; sha: string; path: string }

/** `ls-tree -r -z` output as entries. */
export function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, sha] = record.slice(0, tab).split(' ');
    entries.push({ mode, type, sha, path: record.slice(tab + 1) });
  }
  return entries;
}

/** True for a path git would write outside `dir` or into a `.git` (a tree from the target's own history, but still). */
function unsafePath(p: string): boolean {
  return p.split('/').some((part) => part === '' || part === '.' || part === '..' || part.toLowerCase() === '.git');
}

/**
 * Writes every entry into `dir` (which must be empty): blobs read raw in one `cat-file --batch`, modes 644/755,
 * symlinks as links, gitlinks as empty folders (as `read-tree -u` leaves a submodule that is not checked out).
 */
export async function writeCheckout(dir: string, entries: TreeEntry[], catFile: (shas: string[]) => Promise<Buffer[]>): Promise<void> {
  const files = entries.filter((e) => e.type === 'blob' && !unsafePath(e.path));
  for (const e of entries) if (e.type === 'commit' && !unsafePath(e.path)) await mkdir(path.join(dir, e.path), { recursive: true });
  const made = new Set<string>();
  // In slices, so that a large checkout is never held in memory whole.
  const SLICE = 256;
  for (let i = 0; i < files.length; i += SLICE) {
    const slice = files.slice(i, i + SLICE);
    const blobs = await catFile(slice.map((e) => e.sha));
    for (const [j, e] of slice.entries()) {
      const file = path.join(dir, e.path);
      const parent = path.dirname(file);
      if (!made.has(parent)) {
        await mkdir(parent, { recursive: true });
        made.add(parent);
      }
      if (e.mode === '120000') await symlink(blobs[j].toString('utf8'), file);
      else await writeFile(file, blobs[j], { mode: e.mode === '100755' ? 0o755 : 0o644 });
    }
  }
}

/** Splits `cat-file --batch` output into the blobs' contents, in order. */
export function parseCatFileBatch(out: Buffer, count: number): Buffer[] {
  const blobs: Buffer[] = [];
  let at = 0;
  while (blobs.length < count) {
    const nl = out.indexOf(0x0a, at);
    if (nl < 0) throw new Error('cat-file --batch: truncated output');
    const header = out.subarray(at, nl).toString('utf8').split(' ');
    if (header[1] === 'missing' || header.length < 3) throw new Error(`cat-file --batch: ${header.join(' ')}`);
    const size = Number(header[2]);
    blobs.push(out.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
  }
  return blobs;
}

/**
 * Removes every `.git` entry (file, folder, link) under `dir`, never following links, skipping the top-level names
 * in `skip` (the runner's own node_modules). Returns the removed paths, relative.
 */
export async function removeNestedGit(dir: string, skip: readonly string[] = []): Promise<string[]> {
  const removed: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const names = await readdir(path.join(dir, rel)).catch(() => [] as string[]);
    for (const name of names) {
      const child = rel ? `${rel}/${name}` : name;
      if (!rel && skip.includes(name)) continue;
      const full = path.join(dir, child);
      if (name.toLowerCase() === '.git') {
        await rm(full, { recursive: true, force: true, maxRetries: 3 });
        removed.push(child);
        continue;
      }
      const info = await lstat(full).catch(() => null);
      if (info?.isDirectory()) await visit(child);
    }
  };
  await visit('');
  return removed;
}

/** One line of `update-index --index-info`: the mode, blob and path of a file to commit. */
export interface IndexLine { mode: '100644' | '100755' | '120000' | '160000'; sha: string; path: string }

/**
 * The index lines for `paths` (listed by `ls-files`), read from the workspace with lstat: regular files and symlinks
 * only (a FIFO, socket or device is left out, as `git add` leaves it). Regular files are hashed by one
 * `hash-object -w --no-filters --stdin-paths`; links are hashed from their target text, via small files in a private
 * temporary folder, so a link is never opened.
 */
export async function hashWorkspace(dir: string, paths: string[], run: GitRun): Promise<IndexLine[]> {
  const regular: { path: string; mode: '100644' | '100755' }[] = [];
  const links: { path: string; target: string }[] = [];
  for (const p of paths) {
    if (unsafePath(p)) continue;
    const info = await lstat(path.join(dir, p)).catch(() => null);
    if (!info) continue;
    if (info.isFile()) regular.push({ path: p, mode: info.mode & 0o100 ? '100755' : '100644' });
    else if (info.isSymbolicLink()) links.push({ path: p, target: await readlink(path.join(dir, p)) });
  }
  const lines: IndexLine[] = [];
  const hash = async (files: string[]): Promise<string[]> => {
    if (files.length === 0) return [];
    const out = await run(['hash-object', '-w', '--no-filters', '--stdin-paths'], files.join('\n') + '\n');
    return out.toString('utf8').trim().split('\n');
  };
  const shas = await hash(regular.map((f) => path.join(dir, f.path)));
  regular.forEach((f, i) => lines.push({ mode: f.mode, sha: shas[i], path: f.path }));
  if (links.length > 0) {
    const scratch = await mkdtemp(path.join(tmpdir(), 'evolve-links-'));
    try {
      const files = links.map((_, i) => path.join(scratch, String(i)));
      for (const [i, l] of links.entries()) await writeFile(files[i], l.target);
      const linkShas = await hash(files);
      links.forEach((l, i) => lines.push({ mode: '120000', sha: linkShas[i], path: l.path }));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return lines;
}

/** `update-index -z --index-info` input for `lines`. */
export function indexInfo(lines: IndexLine[]): string {
  return lines.map((l) => `${l.mode} ${l.sha}\t${l.path}\0`).join('');
}
