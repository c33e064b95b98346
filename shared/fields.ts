/**
 * The field catalogue as both sides see it. The engine declares every field once
 * (electron/engine/fields/registry.ts); this is the serialisable view of that declaration
 * that the renderer uses for completion and the filter type-checker uses for literals.
 */

/** Value types, named after Wireshark's FT_* families so filter literal rules carry over. */
export type FieldType =
  | 'protocol' // a protocol node: exists or not (ip, tcp, dns, evt)
  | 'none' // a label-only node with no value
  | 'bool'
  | 'uint'
  | 'int'
  | 'float'
  | 'string'
  | 'bytes'
  | 'ether' // 6-byte MAC
  | 'ipv4'
  | 'ipv6'
  | 'time' // absolute time, value in seconds (float) + nanoseconds
  | 'reltime' // relative time / duration in seconds
  | 'framenum'; // a reference to another event number

/** How an integer prints (Wireshark's BASE_DEC / BASE_HEX). */
export type IntBase = 'dec' | 'hex' | 'dec_hex' | 'hex_dec' | 'oct';

export interface FieldInfo {
  /** Filter name, e.g. `ip.src`, `evt.type`. */
  readonly name: string;
  readonly type: FieldType;
  /** Human label shown in the details tree, e.g. "Source Address". */
  readonly description: string;
  /** Short label for the details tree when the description is longer (Stratoshark's "FD type"). */
  readonly label?: string;
  /** Integer display base (default dec). */
  readonly base?: IntBase;
  /**
   * How an absolute time prints (Wireshark's field display): 'unix' = epoch seconds
   * (ABSOLUTE_TIME_UNIX, frame.time_epoch; the default), 'ntp_utc' = "Aug 16, 2015
   * 19:25:48.749582159 UTC", and "NULL" for the all-zero NTP time (ABSOLUTE_TIME_NTP_UTC),
   * 'local' = the same form in the local time zone (ABSOLUTE_TIME_LOCAL, frame.time).
   */
  readonly time?: 'unix' | 'ntp_utc' | 'local';
  /** Bit width of the stored integer (8, 16, 24, 32, 64): used for hex padding. */
  readonly bits?: number;
  /** For enumerated integer or string fields: value → meaning (drives completion of values). */
  readonly values?: Readonly<Record<string, string>>;
  /** True when a protocol may carry several occurrences of this field per event. */
  readonly multi?: boolean;
  /**
   * Decimals a float prints with, rounded as C's printf does (ties to even): sysdig prints
   * PT_DOUBLE fields with "%.1lf" (libsinsp filter.cpp rawval_to_string). Default: shortest form.
   */
  readonly decimals?: number;
  /**
   * Not a line of the details tree (Wireshark's hidden items): the field exists for filters,
   * columns and `-e`, but its value repeats another line's (evt.info is evt.args).
   */
  readonly hidden?: boolean;
  /** A deprecated name kept so old filters keep working (validator shows a warning). */
  readonly deprecated?: string;
}

export type FieldValue = number | bigint | string | boolean | Uint8Array;
