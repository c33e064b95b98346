/**
 * Capture format detection from the first bytes of a file (never from its name).
 *
 * pcapng and libscap savefiles share the pcapng framing and the same Section Header Block
 * (type 0x0A0D0D0A, byte-order magic 0x1A2B3C4D); they differ in the blocks that follow: libscap
 * writes its own types 0x201… (MI_BLOCK_TYPE, PL_BLOCK_TYPE_V*, FDL_BLOCK_TYPE, EV_BLOCK_TYPE, …)
 * or the pre-release "…ABCD" numbers (falcosecurity/libs userspace/libscap/scap_savefile.h),
 * while pcapng uses the IETF draft's registry (IDB = 1, EPB = 6, …).
 */

export type CaptureFormat = 'pcap' | 'pcapng' | 'scap' | 'strace' | 'gzip' | 'unknown';

/** How many bytes callers should pass for a reliable answer (SHB + the next block header, a few strace lines). */
export const DETECT_HEAD_BYTES = 8192;

const SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Classic pcap magics as written in the file's own byte order (see pcap.ts for sources). */
const PCAP_MAGICS = [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34];

function u32(b: Uint8Array, off: number, le: boolean): number {
  return le
    ? (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0
    : ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

/** libscap block types: 0x201–0x2FF, or the pre-release 0x80xxABCD numbers (scap_savefile.h). */
export function isScapBlockType(t: number): boolean {
  return (t >= 0x201 && t <= 0x2ff) || (t & 0xff00ffff) >>> 0 === 0x8000abcd;
}

function detectShb(head: Uint8Array): 'pcapng' | 'scap' | 'unknown' {
  if (head.length < 12) return 'pcapng';
  let le: boolean;
  if (u32(head, 8, true) === BYTE_ORDER_MAGIC) le = true;
  else if (u32(head, 8, false) === BYTE_ORDER_MAGIC) le = false;
  else return 'unknown';
  const len = u32(head, 4, le);
  // Look at the type of the block after the SHB when the head reaches it.
  if (len >= 28 && len % 4 === 0 && head.length >= len + 4) {
    return isScapBlockType(u32(head, len, le)) ? 'scap' : 'pcapng';
  }
  // Cannot see the next block: treat as pcapng, the format this header was defined for.
  return 'pcapng';
}

/**
 * One strace output line: optional "[pid N] " or "N " (with optional "<comm>"), optional
 * absolute/relative timestamp, then a syscall call, a resumed call, a signal or an exit.
 * Forms from strace(1): -f, -tt/-ttt/-r, -Y (--decode-pids=comm).
 */
const STRACE_LINE =
  /^ *(?:\[pid +\d+(?:<[^>]*>)?\] |\d+(?:<[^>]*>)? +)?(?:\d+(?::\d+)*(?:\.\d+)? +)?(?:[a-z_][a-z_0-9]*\(|<\.\.\. [a-z_0-9]+ resumed>|--- SIG|\+\+\+ (?:exited|killed))/;
const STRACE_OTHER = /^(?:strace: Process \d+|% time +seconds)/;
/** Continuation lines of -k (stack trace) and -x/-X hexdumps: neither evidence for nor against. */
const STRACE_CONTINUATION = /^ (?:> |\| )/;

/** Non-empty lines of the head sampled to decide (strace(1) lines are short; 40 fit in 8 KB). */
const STRACE_SAMPLE_LINES = 40;

/** A line holding a control byte other than tab/CR: strace escapes those, so not its output. */
function hasControlByte(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 13) || c === 0x7f) return true;
  }
  return false;
}

/**
 * True when most sampled lines of the head look like strace output. Decided by proportion, not
 * by the absence of binary bytes: a log with a few lines of garbage (a NUL written into it, a
 * program's binary stderr between strace's lines) is still a log; those lines are shown as
 * unparsed lines. Binary files fail because almost none of their "lines" look like strace.
 */
export function looksLikeStrace(head: Uint8Array): boolean {
  const n = Math.min(head.length, DETECT_HEAD_BYTES);
  const text = new TextDecoder('utf-8').decode(head.subarray(0, n));
  const lines = text.split('\n');
  // The last line may be cut by the head boundary unless the head is the whole file.
  if (lines.length > 1) lines.pop();
  let seen = 0;
  let matched = 0;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || STRACE_CONTINUATION.test(line)) continue;
    seen++;
    if (!hasControlByte(line) && (STRACE_LINE.test(line) || STRACE_OTHER.test(line))) matched++;
    if (seen >= STRACE_SAMPLE_LINES) break;
  }
  return matched > 0 && matched * 10 >= seen * 6;
}

export function detectFormat(head: Uint8Array): CaptureFormat {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4) {
    const le = u32(head, 0, true);
    const be = u32(head, 0, false);
    if (PCAP_MAGICS.includes(le) || PCAP_MAGICS.includes(be)) return 'pcap';
    if (le === SHB_TYPE) {
      const r = detectShb(head);
      if (r !== 'unknown') return r;
    }
  }
  if (head.length > 0 && looksLikeStrace(head)) return 'strace';
  return 'unknown';
}

/** A short description of unrecognised content for error messages: size and first bytes. */
export function describeUnknown(head: Uint8Array): string {
  if (head.length === 0) return 'the file is empty';
  const n = Math.min(head.length, 16);
  const hex = Array.from(head.subarray(0, n), (x) => x.toString(16).padStart(2, '0')).join(' ');
  const ascii = Array.from(head.subarray(0, n), (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
  return `not a pcap, pcapng, scap or strace file: first ${n} bytes ${hex} ("${ascii}")`;
}
