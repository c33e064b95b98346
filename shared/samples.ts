/**
 * The sample captures shipped in assets/samples/ (see its README for provenance and licences),
 * listed on the welcome screen. Hosts resolve them to absolute paths on the engine's machine.
 */
export interface SampleCapture {
  name: string;
  /** Path the host can open (absolute on the machine running the engine). */
  path: string;
  description: string;
  /** Key log shipped next to the capture, if any. */
  keylog?: string;
}

export const SAMPLE_FILES: readonly { name: string; description: string }[] = [
  { name: 'gen-tls13-h2.pcapng', description: 'HTTPS (TLS 1.3, HTTP/2) with its key log' },
  { name: 'curl_google.scap', description: 'sysdig capture: curl fetching google.com' },
  { name: 'strace-curl-http11-plain.strace', description: 'strace -f -tt -T -yy -xx of curl over plain HTTP' },
];
