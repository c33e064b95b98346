/**
 * Stream benchmarks on the bench capture: TCP reassembly of every stream (MB/s of payload and of
 * file), the whole-capture HTTP scan (exchanges/s), and `http.response.code == 200` answered
 * from the HTTP annotations, compared with `tshark -Y` on the same file (same frame count).
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Capture } from '../electron/engine/capture.ts';
import { httpFilterEvents } from '../electron/engine/layers/http-filter.ts';
import { exchangeRefs } from '../electron/engine/layers/http-layer.ts';
import { openSession, scanHttpNow } from '../electron/engine/layers/session.ts';
import { createFrameReader, createTcpFollowState, feedTcpFrame, readFrame, type TcpFollowState } from '../electron/engine/streams/tcp-reassembly.ts';

type Report = (name: string, values: Record<string, number | string | boolean>) => void;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Reassemble every TCP stream of the capture in one pass, keeping no chunks. */
function reassembleAll(capture: Capture): { payload: number; streams: number } {
  const int = capture.internals();
  if (int.kind !== 'packets') return { payload: 0, streams: 0 };
  // Sequential: frames read through a window, as the HTTP scan reads them (no chunk is kept).
  const r = createFrameReader(int, { sequential: true });
  const states: TcpFollowState[] = [];
  let payload = 0;
  const fs = int.conv.frameStream;
  const n = int.index.dataOffset.length;
  for (let f = 1; f <= n && f < fs.length; f++) {
    const sid = fs[f];
    if (sid < 0) continue;
    let st = states[sid];
    if (!st) {
      st = createTcpFollowState(`tcp:${sid}`);
      st.keepChunks = false;
      st.onChunk = (c) => {
        payload += c.bytes.length;
      };
      states[sid] = st;
    }
    readFrame(r, f);
    feedTcpFrame(r, st, f);
  }
  return { payload, streams: states.filter(Boolean).length };
}

export function benchStreams(capture: Capture, path: string, report: Report, tshark: boolean): void {
  const size = statSync(path).size;
  let t0 = performance.now();
  let c0 = cpuSeconds();
  const re = reassembleAll(capture);
  let secs = (performance.now() - t0) / 1000;
  let cpu = cpuSeconds() - c0;
  report('TCP reassembly (all streams)', {
    streams: re.streams,
    payloadMB: Number((re.payload / 1e6).toFixed(1)),
    seconds: Number(secs.toFixed(2)),
    payloadMBPerSec: Number((re.payload / 1e6 / secs).toFixed(1)),
    fileMBPerSec: Number((size / 1e6 / secs).toFixed(1)),
    fileMBPerCpuSec: Number((size / 1e6 / cpu).toFixed(1)),
  });

  t0 = performance.now();
  c0 = cpuSeconds();
  const session = openSession(capture);
  const ch = { exchanges: exchangeRefs(scanHttpNow(session)) };
  secs = (performance.now() - t0) / 1000;
  cpu = cpuSeconds() - c0;
  report('HTTP scan (reassembly + HTTP/1.x)', {
    exchanges: ch.exchanges.length,
    seconds: Number(secs.toFixed(2)),
    exchangesPerSec: Math.round(ch.exchanges.length / secs),
    exchangesPerCpuSec: Math.round(ch.exchanges.length / cpu),
  });

  const filter = 'http.response.code == 200';
  t0 = performance.now();
  const ours = httpFilterEvents(session, filter) ?? [];
  const filterSecs = (performance.now() - t0) / 1000;
  const values: Record<string, number | string | boolean> = {
    filter,
    matched: ours.length,
    filterSeconds: Number(filterSecs.toFixed(3)),
    scanPlusFilterSeconds: Number((secs + filterSecs).toFixed(2)),
  };
  if (tshark) {
    t0 = performance.now();
    const out = execFileSync('tshark', ['-n', '-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    const ts = (performance.now() - t0) / 1000;
    const frames = out.toString().split('\n').filter((l) => l !== '').map(Number);
    values.tsharkSeconds = Number(ts.toFixed(2));
    values.tsharkMatched = frames.length;
    values.sameFrames = frames.length === ours.length && frames.every((f, k) => f === ours[k]);
    values.speedupFilterOnly = Number((ts / filterSecs).toFixed(1));
    values.speedupIncludingScan = Number((ts / (secs + filterSecs)).toFixed(1));
  }
  report('HTTP field filter vs tshark -Y', values);
}
