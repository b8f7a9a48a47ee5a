/**
 * The jail's one seccomp filter, for the disk bound (disk.ts): RLIMIT_FSIZE limits a file's size, not its blocks, so
 * `fallocate --keep-size` (and io_uring's fallocate) could reserve the whole disk in one call, long before the
 * watch looks. The filter answers `fallocate` with EOPNOTSUPP (glibc's posix_fallocate then writes the blocks, which
 * the size limit does bound) and `io_uring_setup` with ENOSYS (callers fall back to plain syscalls). Everything else
 * is allowed. A classic BPF program, which the runner writes to a pipe that bwrap reads with `--seccomp <fd>`.
 */
const LD_W_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const RET_K = 0x06; // BPF_RET | BPF_K
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EOPNOTSUPP = 95;
const ENOSYS = 38;
const IO_URING_SETUP = 425; // the same number on every architecture

/** Per host architecture: each ABI its processes may use (audit arch) and that ABI's fallocate numbers. */
const ABIS: Record<string, { arch: number; fallocate: number[] }[]> = {
  x64: [{ arch: 0xc000003e, fallocate: [285, 0x40000000 + 285] }, { arch: 0x40000003, fallocate: [324] }], // x86_64 (+x32), i386
  arm64: [{ arch: 0xc00000b7, fallocate: [47] }, { arch: 0x40000028, fallocate: [352] }], // aarch64, arm
};

type Insn = [code: number, jt: number, jf: number, k: number];

/** The filter for this machine's architecture, or null when it has no table here (the jail then runs without it). */
export function seccompProgram(arch: string = process.arch): Buffer | null {
  const abis = ABIS[arch];
  if (!abis) return null;
  // Jumps to the two verdicts at the end are resolved once the length is known.
  const code: (Insn | ['deny-fallocate' | 'deny-uring', number])[] = [];
  for (const abi of abis) {
    code.push([LD_W_ABS, 0, 0, 4]); // seccomp_data.arch
    code.push([JEQ_K, 0, 2 + abi.fallocate.length + 1, abi.arch]); // another ABI: the next block
    code.push([LD_W_ABS, 0, 0, 0]); // seccomp_data.nr
    for (const nr of abi.fallocate) code.push(['deny-fallocate', nr]);
    code.push(['deny-uring', IO_URING_SETUP]);
    code.push([RET_K, 0, 0, RET_ALLOW]);
  }
  code.push([RET_K, 0, 0, RET_ALLOW]);
  const fallocateAt = code.length;
  const uringAt = code.length + 1;
  const out = Buffer.alloc((code.length + 2) * 8);
  const put = (i: number, [op, jt, jf, k]: Insn) => {
    out.writeUInt16LE(op, i * 8);
    out.writeUInt8(jt, i * 8 + 2);
    out.writeUInt8(jf, i * 8 + 3);
    out.writeUInt32LE(k >>> 0, i * 8 + 4);
  };
  code.forEach((insn, i) => {
    if (insn[0] === 'deny-fallocate') put(i, [JEQ_K, fallocateAt - i - 1, 0, insn[1]]);
    else if (insn[0] === 'deny-uring') put(i, [JEQ_K, uringAt - i - 1, 0, insn[1]]);
    else put(i, insn as Insn);
  });
  put(fallocateAt, [RET_K, 0, 0, RET_ERRNO | EOPNOTSUPP]);
  put(uringAt, [RET_K, 0, 0, RET_ERRNO | ENOSYS]);
  return out;
}
