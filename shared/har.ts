/**
 * HAR 1.2 (W3C Web Performance WG draft "HTTP Archive (HAR) format", Jan Odvarko, 2012; the
 * schema in the har-schema package): the shape the HTTP export writes, from the engine's entries.
 * Times are milliseconds; -1 means "does not apply" (HAR 1.2 §timings).
 */

import type { EngineClient } from './engine-client.ts';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: { mimeType: string; text: string; params?: HarNameValue[]; comment?: string };
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarTimings {
  blocked: number;
  dns: number;
  connect: number;
  send: number;
  wait: number;
  receive: number;
  ssl: number;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  /** Tracelens: the capture's events of the request and response (custom fields start with `_`). */
  _requestEvent?: number;
  _responseEvent?: number;
}

export interface HarLog {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages?: [];
    entries: HarEntry[];
    comment?: string;
  };
}

/** One page of the export (`har` request): entries [start, start + entries.length) of `total`. */
export interface HarPage {
  total: number;
  start: number;
  entries: HarEntry[];
}

/** The HAR document around `entries`, written as text in pieces (a large export is never one string). */
export function harText(entries: Iterable<HarEntry>, creatorVersion: string, comment?: string): Iterable<string> {
  const head: HarLog['log'] = { version: '1.2', creator: { name: 'Tracelens', version: creatorVersion }, entries: [] };
  if (comment) head.comment = comment;
  const open = JSON.stringify({ log: head }, null, 1);
  // Everything up to the empty entries array, then the entries, then the rest.
  const cut = open.indexOf('"entries": []') + '"entries": ['.length;
  return (function* () {
    yield open.slice(0, cut);
    let first = true;
    for (const e of entries) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(e)}`;
      first = false;
    }
    yield open.slice(cut);
    yield '\n';
  })();
}

/** Entries the engine returns per `har` page (fewer when they are large). */
const HAR_PAGE = 500;

/**
 * Every entry of an export, page by page (the engine holds no list of them): the CLI's `har`
 * and the window's Export HAR both read them so.
 */
export async function* harEntries(client: EngineClient, query: { filter?: string; search?: string } = {}): AsyncGenerator<HarEntry> {
  for (let start = 0; ; ) {
    const page = await client.call('har', { ...query, start, count: HAR_PAGE });
    yield* page.entries;
    start += page.entries.length;
    if (page.entries.length === 0 || start >= page.total) return;
  }
}
