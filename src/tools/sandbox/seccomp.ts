/**
 * The jail's one seccomp filter. Three jobs:
 *  - the disk bound (disk.ts): RLIMIT_FSIZE limits a file's size, not its blocks, so `fallocate --keep-size` (and
 *    io_uring's fallocate) could reserve the whole disk in one call, long before the watch looks. `fallocate` gets
 *    EOPNOTSUPP (glibc's posix_fallocate then writes the blocks, which the size limit does bound) and
 *    `io_uring_setup` ENOSYS (callers fall back to plain syscalls);
 *  - the kernel keyrings: the jail shares the runner's session keyring (namespaces do not separate it), where
 *    Kerberos caches and keyctl-stored secrets live. `keyctl`, `add_key` and `request_key` get EPERM, as under
 *    Docker's default profile, so nothing in the jail reads a host key or plants one.
 * Everything else is allowed. A classic BPF program, which the runner writes to a pipe that bwrap reads with
 * `--seccomp <fd>`.
 */
const LD_W_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const RET_K = 0x06; // BPF_RET | BPF_K
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
const EOPNOTSUPP = 95;
const IO_URING_SETUP = 425; // the same number on every architecture

/** The syscalls refused, by the errno they get. */
type Denied = { fallocate: number[]; keys: number[] };

/** Per host architecture: each ABI its processes may use (audit arch) and that ABI's numbers. */
const ABIS: Record<string, ({ arch: number } & Denied)[]> = {
  x64: [
    // x86_64, and x32 (the same numbers with bit 30 set, under the same audit arch)
    { arch: 0xc000003e, fallocate: [285, 0x40000000 + 285], keys: [248, 249, 250, 0x40000000 + 248, 0x40000000 + 249, 0x40000000 + 250] },
    { arch: 0x40000003, fallocate: [324], keys: [286, 287, 288] }, // i386
  ],
  arm64: [
    { arch: 0xc00000b7, fallocate: [47], keys: [217, 218, 219] }, // aarch64
    { arch: 0x40000028, fallocate: [352], keys: [309, 310, 311] }, // arm
  ],
};

type Insn = [code: number, jt: number, jf: number, k: number];
type Verdict = 'fallocate' | 'keys' | 'uring';
const ERRNO: Record<Verdict, number> = { fallocate: EOPNOTSUPP, keys: EPERM, uring: ENOSYS };

/** The filter for this machine's architecture, or null when it has no table here (the jail then runs without it). */
export function seccompProgram(arch: string = process.arch): Buffer | null {
  const abis = ABIS[arch];
  if (!abis) return null;
  // Jumps to the verdicts at the end are resolved once the length is known.
  const code: (Insn | ['deny', Verdict, number])[] = [];
  for (const abi of abis) {
    const checks: [Verdict, number][] = [...abi.fallocate.map((n) => ['fallocate', n] as [Verdict, number]),
      ...abi.keys.map((n) => ['keys', n] as [Verdict, number]), ['uring', IO_URING_SETUP]];
    code.push([LD_W_ABS, 0, 0, 4]); // seccomp_data.arch
    code.push([JEQ_K, 0, 1 + checks.length + 1, abi.arch]); // another ABI: the next block
    code.push([LD_W_ABS, 0, 0, 0]); // seccomp_data.nr
    for (const [verdict, nr] of checks) code.push(['deny', verdict, nr]);
    code.push([RET_K, 0, 0, RET_ALLOW]);
  }
  code.push([RET_K, 0, 0, RET_ALLOW]);
  const verdicts: Verdict[] = ['fallocate', 'keys', 'uring'];
  const at = (v: Verdict) => code.length + verdicts.indexOf(v);
  const out = Buffer.alloc((code.length + verdicts.length) * 8);
  const put = (i: number, [op, jt, jf, k]: Insn) => {
    out.writeUInt16LE(op, i * 8);
    out.writeUInt8(jt, i * 8 + 2);
    out.writeUInt8(jf, i * 8 + 3);
    out.writeUInt32LE(k >>> 0, i * 8 + 4);
  };
  code.forEach((insn, i) => {
    if (insn[0] === 'deny') put(i, [JEQ_K, at(insn[1]) - i - 1, 0, insn[2]]);
    else put(i, insn as Insn);
  });
  verdicts.forEach((v, j) => put(code.length + j, [RET_K, 0, 0, RET_ERRNO | ERRNO[v]]));
  return out;
}
