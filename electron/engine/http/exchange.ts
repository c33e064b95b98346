/**
 * One HTTP exchange shape for HTTP/1.x (http1.ts) and HTTP/2 (http2/exchanges.ts): the HTTP
 * view rows, `cli http`, bodies and export-objects read only this.
 */

export interface HttpMessage {
  kind: 'request' | 'response';
  /** Event holding the first byte of the head, and the event that completed the head. */
  startEvent: number;
  headEvent: number;
  /** Event holding the last byte of the message (head or body). */
  endEvent: number;
  startTime: number;
  headTime: number;
  endTime: number;
  /** `HTTP/1.1` etc.; `HTTP/2` for HTTP/2 messages. */
  version: string;
  method: string;
  uri: string;
  status: number | null;
  phrase: string;
  /** Header fields in order; HTTP/2 pseudo-headers (`:method`…) included. */
  headers: [string, string][];
  /** HTTP/2 trailers / HTTP/1 chunked trailer fields. */
  trailers?: [string, string][];
  /** Bytes of the head (start line to the empty line, inclusive). */
  headBytes: number;
  /** Body bytes as sent (after de-chunking, before content decoding), including missing ones. */
  bodyBytes: number;
  /** Body bytes after content decoding (equals bodyBytes without Content-Encoding). */
  decodedBytes: number;
  /** Body bytes that are not in the stream (gaps, tracer truncation). */
  missing: number;
  /** The head could not be read completely (its end was lost). */
  headTruncated: boolean;
  /** The stream ended before the body did. */
  incomplete: boolean;
  contentType: string;
  contentEncoding: string;
  contentLength: number | null;
  chunked: boolean;
  /** Decoded body (only when the parser was asked to keep bodies). */
  body?: Uint8Array;
  /** Body as sent, de-chunked (only when kept). */
  rawBody?: Uint8Array;
  decodeError?: string;
  /** Why the decoded body is shorter than the real one (size limit, decode budget). */
  bodyNote?: string;
  /** Stream byte position of the first head byte in its direction. */
  pos: number;
  /**
   * Offset of the first head byte from the first byte its direction received in `startEvent`
   * (how a re-parse finds the message again without walking the stream from its start).
   */
  skip?: number;
}

export interface HttpExchange {
  /** Index of the exchange within its stream (0-based). */
  index: number;
  stream: string;
  request: HttpMessage | null;
  response: HttpMessage | null;
  /** 1xx responses before the final one. */
  informational: HttpMessage[];
  /** Upgrade target when the connection switched protocols (e.g. `websocket`). */
  upgrade: string;
  /** HTTP/2: the stream identifier within the connection. */
  streamId?: number;
  /** HTTP/2: reset, server push, headers that need HPACK state from before the capture. */
  notes?: string[];
  /** Row of the exchange in a scan's column index (layers/http-index.ts), while it is built. */
  row?: number;
}

/** First value of header `name` (case-insensitive; pseudo-headers by their `:name`). */
export function headerValue(m: HttpMessage, name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of m.headers) if (k.toLowerCase() === n) return v;
  return undefined;
}

/** The request's host: `Host` (HTTP/1.x) or `:authority` (HTTP/2). */
export function exchangeHost(ex: HttpExchange): string {
  const q = ex.request;
  if (!q) return '';
  return headerValue(q, 'host') ?? headerValue(q, ':authority') ?? '';
}
