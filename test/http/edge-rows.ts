/** HTTP exchange rows at the edges, for the tests of the packed and the line-written httpPage replies. */
import type { HttpExchangeRow } from '../../shared/rpc.ts';

export const EDGE_BASE: HttpExchangeRow = {
  stream: 'tcp:0', index: 0, request: 4, requestEnd: 4, response: 6, responseEnd: 7, version: 'HTTP/1.1', method: 'GET', host: 'example.test',
  uri: '/a', status: 200, phrase: 'OK', requestBodyBytes: 0, responseBodyBytes: 12, responseWireBytes: 30, contentType: 'text/plain',
  contentEncoding: 'gzip', duration: 0.000125, upgrade: '', truncated: false, incomplete: false,
};

/** Rows at the edges: nulls, every optional field there and not, empty and non-Latin-1 texts, big and fractional numbers. */
export const EDGE_ROWS: HttpExchangeRow[] = [
  EDGE_BASE,
  { ...EDGE_BASE, response: null, responseEnd: null, status: null, duration: null, phrase: '', contentType: '', incomplete: true },
  { ...EDGE_BASE, request: null, requestEnd: null, method: '', host: '', uri: '', duration: null, truncated: true, missingBytes: 1448 },
  { ...EDGE_BASE, stream: 'h2:tls:tcp:3:5', version: 'HTTP/2', streamId: 5, host: 'ünïcødé.test', uri: '/✓?q="x"\\\n', upgrade: 'websocket' },
  { ...EDGE_BASE, stream: 'tls:fd:3914:4:7', procName: 'curl', pid: 3914, requestBodyBytes: 2 ** 40 + 3, responseBodyBytes: 0 },
  { ...EDGE_BASE, pid: 1, duration: -0.5, index: 2 ** 31 + 1 },
];
