/** Hex/ASCII line formatting for the bytes pane (16 bytes a line, as Wireshark shows them). */
export const BYTES_PER_LINE = 16;

export function hexByte(b: number): string {
  return (b < 16 ? '0' : '') + b.toString(16);
}

/** Printable ASCII stays, everything else is a dot: capture content is never interpreted. */
export function asciiChar(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

export function offsetLabel(off: number, total: number): string {
  const width = total > 0xffff ? 8 : 4;
  return off.toString(16).padStart(width, '0');
}
