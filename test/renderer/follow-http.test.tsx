// @vitest-environment happy-dom
/**
 * Follow pane text (formats, colouring by side, find) and the HTTP body viewers (JSON fold,
 * HTML escaped as source, image via blob: URL, multipart parts, form fields), rendered with
 * react-dom into happy-dom.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { FollowChunk } from '../../shared/rpc.ts';
import { BodyViewer } from '../../renderer/http/BodyViewer.tsx';
import { bodyKind, curlCommand, parseForm, parseMultipart } from '../../renderer/http/body-kind.ts';
import { buildLines, filterForStream, findMatches, WRAP } from '../../renderer/streams/follow-lines.ts';
import { looksLikeKeylog } from '../../renderer/keys/keylog.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const enc = new TextEncoder();
const chunk = (dir: 0 | 1, text: string | Uint8Array, event: number, seq: number, time = 1700000000 + event / 1000): FollowChunk => ({
  dir, event, time, seq, bytes: typeof text === 'string' ? enc.encode(text) : text,
});
const PAGE = {
  page: 0, client: '10.0.0.1:40000', server: '10.0.0.2:80',
  chunks: [
    chunk(0, 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n', 4, 0),
    chunk(1, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', 6, 0),
    chunk(0, Uint8Array.from([0, 1, 2, 0x41]), 8, 28),
  ],
};

describe('follow lines', () => {
  it('ASCII: one line per text line, each tagged with its side and chunk; CR dropped, non-printables as dots', () => {
    const l = buildLines(PAGE, 'ascii', { direction: 'both', deltaTimes: false });
    expect(l.map((x) => [x.dir, x.chunk, x.text])).toEqual([
      [0, 0, 'GET /a HTTP/1.1'], [0, 0, 'Host: x'], [0, 0, ''],
      [1, 1, 'HTTP/1.1 200 OK'], [1, 1, 'Content-Length: 5'], [1, 1, ''], [1, 1, 'hello'],
      [0, 2, '...A'],
    ]);
  });

  it('direction selector keeps one side; delta times mark each turn', () => {
    expect(buildLines(PAGE, 'ascii', { direction: 1, deltaTimes: false }).every((x) => x.dir === 1)).toBe(true);
    const d = buildLines(PAGE, 'ascii', { direction: 'both', deltaTimes: true }).filter((x) => x.marker);
    expect(d.map((x) => x.text)).toEqual(['[+0.002000 s]', '[+0.002000 s]']);
  });

  it('Hex Dump: offsets per direction from the chunk position, server lines indented', () => {
    const l = buildLines(PAGE, 'hex', { direction: 'both', deltaTimes: false });
    expect(l[0].text).toBe('00000000  47 45 54 20 2f 61 20 48  54 54 50 2f 31 2e 31 0d  GET /a HTTP/1.1.');
    expect(l.find((x) => x.dir === 1)!.text.startsWith('    00000000  48 54 54 50')).toBe(true);
    expect(l[l.length - 1].text).toBe('0000001C  00 01 02 41' + ' '.repeat(3 * 12 + 1) + '  ...A');
  });

  it('C Arrays, Raw, YAML and UTF-8', () => {
    const c = buildLines(PAGE, 'carrays', { direction: 'both', deltaTimes: false }).map((x) => x.text);
    expect(c).toContain('char peer0_0[] = { /* Packet 4 */');
    expect(c).toContain('char peer1_0[] = { /* Packet 6 */');
    expect(c).toContain('char peer0_1[] = { /* Packet 8 */');
    expect(c).toContain('0x00, 0x01, 0x02, 0x41');
    const r = buildLines(PAGE, 'raw', { direction: 'both', deltaTimes: false });
    expect(r[r.length - 1]).toMatchObject({ dir: 0, text: '00010241' });
    const y = buildLines(PAGE, 'yaml', { direction: 'both', deltaTimes: false }).map((x) => x.text);
    expect(y.slice(0, 3)).toEqual(['peers:', '  - peer: 0', '    host: 10.0.0.1']);
    expect(y).toContain('  - packet: 6');
    expect(y).toContain(`      ${btoa('GET /a HTTP/1.1\r\nHost: x\r\n\r\n')}`);
    const u = buildLines({ ...PAGE, chunks: [chunk(1, 'héllo ✓', 3, 0)] }, 'utf8', { direction: 'both', deltaTimes: false });
    expect(u[0].text).toBe('héllo ✓');
  });

  it('long binary lines wrap; gaps and unrecorded bytes are markers', () => {
    const long = buildLines({ ...PAGE, chunks: [chunk(0, 'x'.repeat(WRAP * 2 + 3), 1, 0)] }, 'ascii', { direction: 'both', deltaTimes: false });
    expect(long.map((x) => x.text.length)).toEqual([WRAP, WRAP, 3]);
    const g = buildLines({ ...PAGE, chunks: [{ ...chunk(0, new Uint8Array(0), 2, 0), gap: 1448 }, { ...chunk(1, 'ab', 3, 0), truncated: 30 }] }, 'ascii', { direction: 'both', deltaTimes: false });
    expect(g.filter((x) => x.marker).map((x) => x.text)).toEqual(['[1448 bytes missing in capture file]', '[30 bytes not recorded]']);
  });

  it('find: every case-insensitive match with its line and column', () => {
    const l = buildLines(PAGE, 'ascii', { direction: 'both', deltaTimes: false });
    expect(findMatches(l, 'http/1.1')).toEqual([{ line: 0, start: 7, length: 8 }, { line: 3, start: 0, length: 8 }]);
    expect(findMatches(l, '')).toEqual([]);
  });

  it('stream filters: tcp/udp from the engine, TLS and fd derived', () => {
    expect(filterForStream('tcp:3', 'tcp.stream eq 3')).toBe('tcp.stream eq 3');
    expect(filterForStream('tls:tcp:7', 'tls:tcp:7')).toBe('tcp.stream eq 7');
    expect(filterForStream('fd:123:5:0', 'fd.stream == 0')).toBe('fd.stream == 0');
  });
});

describe('HTTP bodies', () => {
  let root: Root | null = null;
  let host: HTMLElement;
  const render = async (el: React.ReactElement): Promise<HTMLElement> => {
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
    await act(async () => root!.render(el));
    return host;
  };
  afterEach(async () => {
    await act(async () => root?.unmount());
    root = null;
    host?.remove();
  });

  it('JSON is pretty-printed and folds', async () => {
    const el = await render(<BodyViewer bytes={enc.encode('{"a":[1,2,{"b":null}],"s":"x<y"}')} contentType="application/json; charset=utf-8" />);
    const view = el.querySelector('[data-testid="json-view"]')!;
    expect(view.textContent).toContain('"a": [');
    expect(view.querySelector('.j-null')!.textContent).toBe('null');
    expect(view.querySelector('.j-str')!.textContent).toBe('"x<y"');
    await act(async () => (view.querySelector('.j-toggle') as HTMLButtonElement).click());
    expect(view.textContent).toBe('▸{ … 2 keys }');
  });

  it('HTML is shown as escaped, highlighted source — no element of the capture is created', async () => {
    const html = '<html><body onload="alert(1)"><script>alert(2)</script><img src=x onerror=alert(3)></body></html>';
    const el = await render(<BodyViewer bytes={enc.encode(html)} contentType="text/html" />);
    const view = el.querySelector('[data-testid="markup-view"]')!;
    expect(view.textContent).toBe(html);
    expect(el.querySelectorAll('script, img, body *:not(span):not(pre):not(div)').length).toBe(0);
    expect([...view.querySelectorAll('.m-tag')].map((s) => s.textContent)).toContain('<script');
    expect([...view.querySelectorAll('.m-value')].map((s) => s.textContent)).toContain('"alert(1)"');
  });

  it('images are previewed from a blob: URL; SVG stays source', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const el = await render(<BodyViewer bytes={png} contentType="image/png" />);
    const img = el.querySelector('[data-testid="image-view"]') as HTMLImageElement;
    expect(img.getAttribute('src')!.startsWith('blob:')).toBe(true);
    await act(async () => root!.render(<BodyViewer bytes={enc.encode('<svg onload="x()"/>')} contentType="image/svg+xml" />));
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('[data-testid="markup-view"]')!.textContent).toBe('<svg onload="x()"/>');
  });

  it('multipart parts are listed with their names, files and viewers', async () => {
    const body = '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.json"\r\nContent-Type: application/json\r\n\r\n{"k":1}\r\n--XyZ--\r\n';
    const parts = parseMultipart(enc.encode(body), 'XyZ');
    expect(parts.map((p) => [p.name, p.filename, p.contentType, new TextDecoder().decode(p.body)])).toEqual([
      ['title', null, '', 'hello'],
      ['file', 'a.json', 'application/json', '{"k":1}'],
    ]);
    const el = await render(<BodyViewer bytes={enc.encode(body)} contentType='multipart/form-data; boundary="XyZ"' />);
    const heads = [...el.querySelectorAll('.mp-head')].map((h) => h.textContent);
    expect(heads).toEqual(['Part 1: title — text/plain, 5 bytes', 'Part 2: file (file a.json) — application/json, 7 bytes']);
    expect(el.querySelector('.mp-part [data-testid="json-view"]')).not.toBeNull();
  });

  it('forms, binary as hex, kinds by sniffing, curl', async () => {
    expect(parseForm('a=1&b=x+y%21&c')).toEqual([['a', '1'], ['b', 'x y!'], ['c', '']]);
    const el = await render(<BodyViewer bytes={enc.encode('user=al+ice&pw=%3Csecret%3E')} contentType="application/x-www-form-urlencoded" />);
    expect([...el.querySelectorAll('[data-testid="form-view"] td')].map((t) => t.textContent)).toEqual(['al ice', '<secret>']);
    expect(bodyKind('application/octet-stream', Uint8Array.from([0, 1, 2, 3]))).toBe('binary');
    expect(bodyKind('', enc.encode(' {"x":1}'))).toBe('json');
    const bin = await render(<BodyViewer bytes={Uint8Array.from([0, 0xff, 0x41])} contentType="application/octet-stream" />);
    expect(bin.querySelector('[data-testid="hex-view"]')!.textContent).toContain('00000000  00 ff 41');
    const row = { stream: 'tls:tcp:0', index: 0, request: 1, requestEnd: 1, response: 2, responseEnd: 2, version: 'HTTP/1.1', method: 'POST', host: 'h.test', uri: "/it's", status: 200, phrase: 'OK', requestBodyBytes: 3, responseBodyBytes: 0, responseWireBytes: 0, contentType: '', contentEncoding: '', duration: 0.1, upgrade: '', truncated: false, incomplete: false };
    const req = { startLine: '', headers: [['Host', 'h.test'], ['X-A', 'b']] as [string, string][], body: enc.encode('a=1'), raw: enc.encode('a=1'), contentType: '', contentEncoding: '', missing: 0, event: 1 };
    expect(curlCommand(row, req, 'https')).toBe(`curl -X 'POST' -H 'X-A: b' --data-raw 'a=1' 'https://h.test/it'\\''s'`);
  });

  it('key logs are recognised by content', () => {
    expect(looksLikeKeylog('# SSL/TLS secrets log file, generated by NSS\n')).toBe(true);
    expect(looksLikeKeylog(`\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ${'ab'.repeat(32)} ${'cd'.repeat(32)}\n`)).toBe(true);
    expect(looksLikeKeylog(`SERVER_TRAFFIC_SECRET_0 ${'ab'.repeat(32)} ${'cd'.repeat(32)}`)).toBe(true);
    expect(looksLikeKeylog('\xd4\xc3\xb2\xa1 binary pcap')).toBe(false);
    expect(looksLikeKeylog('CLIENT_RANDOM is a word in this text file')).toBe(false);
  });
});
