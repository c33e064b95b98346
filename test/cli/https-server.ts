/** A loopback HTTPS server for the trace tests, on a throwaway self-signed certificate (the clients do not verify it). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const hello: RequestListener = (req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end(`hello ${req.url}\n`);
};

/** Listens on 127.0.0.1 at a free port; the key and certificate are written into `dir`. */
export async function startHttpsServer(dir: string, handler: RequestListener = hello): Promise<{ port: number; close: () => void }> {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}
