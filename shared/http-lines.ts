/**
 * The lines `tracelens http` prints for an exchange row (contract in electron/cli/args.ts USAGE),
 * written in the engine (httpPage `lines`): the CLI then copies one string per page to stdout
 * instead of packing, cloning and decoding every row's fields (~40 % of the command's CPU at
 * 500 k exchanges, session 10).
 */
import type { HttpExchangeRow, HttpPageQuery } from './rpc.ts';

export type HttpLineFormat = NonNullable<HttpPageQuery['lines']>;

export const HTTP_LINE_FORMATS: readonly HttpLineFormat[] = ['jsonl', 'tsv'];

/** Characters JSON.stringify escapes in a string (ECMA-262 QuoteJSONString: controls, quote, backslash, surrogates). */
const JSON_ESCAPED = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A string as JSON.stringify writes it. */
function jsonString(v: string): string {
  return JSON_ESCAPED.test(v) ? JSON.stringify(v) : `"${v}"`;
}

/** A number or null as JSON.stringify writes it (null for absent and for non-finite numbers). */
function jsonNumber(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : 'null';
}

/** A text field that may be absent in a row made elsewhere (null, as the packed page read it). */
function jsonText(v: string | null | undefined): string {
  return typeof v === 'string' ? jsonString(v) : 'null';
}

/**
 * One jsonl line: the bytes of JSON.stringify of { request, response, stream, version, method,
 * host, uri, status, requestBodyBytes, responseBodyBytes, contentType, streamId?, procName?,
 * pid?, truncated?, missingBytes?, incomplete?, upgrade? } (the optional keys only when set).
 */
export function httpJsonLine(row: HttpExchangeRow): string {
  let line = `{"request":${jsonNumber(row.request)},"response":${jsonNumber(row.response)},"stream":${jsonText(row.stream)},"version":${jsonText(row.version)}`
    + `,"method":${jsonText(row.method)},"host":${jsonText(row.host)},"uri":${jsonText(row.uri)},"status":${jsonNumber(row.status)}`
    + `,"requestBodyBytes":${jsonNumber(row.requestBodyBytes)},"responseBodyBytes":${jsonNumber(row.responseBodyBytes)},"contentType":${jsonText(row.contentType)}`;
  if (row.streamId !== undefined && row.streamId !== null) line += `,"streamId":${jsonNumber(row.streamId)}`;
  if (row.pid !== undefined && row.pid !== null) {
    line += `${typeof row.procName === 'string' ? `,"procName":${jsonString(row.procName)}` : ''},"pid":${jsonNumber(row.pid)}`;
  }
  if (row.truncated === true) line += ',"truncated":true';
  if (typeof row.missingBytes === 'number' && row.missingBytes !== 0) line += `,"missingBytes":${jsonNumber(row.missingBytes)}`;
  if (row.incomplete === true) line += ',"incomplete":true';
  if (row.upgrade) line += `,"upgrade":${jsonString(row.upgrade)}`;
  return `${line}}\n`;
}

/** A TSV cell: empty for null. */
function cell(v: string | number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/** One TSV line: request, response, stream, version, method, host, uri, status, requestBodyBytes, responseBodyBytes, contentType. */
export function httpTsvLine(row: HttpExchangeRow): string {
  return `${cell(row.request)}\t${cell(row.response)}\t${cell(row.stream)}\t${cell(row.version)}\t${cell(row.method)}\t${cell(row.host)}\t${cell(row.uri)}`
    + `\t${cell(row.status)}\t${cell(row.requestBodyBytes)}\t${cell(row.responseBodyBytes)}\t${cell(row.contentType)}\n`;
}

/** The line of `row` in `format`. */
export function httpLine(row: HttpExchangeRow, format: HttpLineFormat): string {
  return format === 'jsonl' ? httpJsonLine(row) : httpTsvLine(row);
}

/**
 * The lines of `rows` in order, stopping once the text passes `maxChars` (at least one row, so a
 * reader always gets on): `n` rows are in `text`.
 */
export function httpLines(rows: readonly HttpExchangeRow[], format: HttpLineFormat, maxChars = Infinity): { n: number; text: string } {
  let text = '';
  let n = 0;
  for (; n < rows.length; n++) {
    if (n > 0 && text.length > maxChars) break;
    text += httpLine(rows[n], format);
  }
  return { n, text };
}
