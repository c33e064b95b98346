#!/usr/bin/env bash
# Record real captures on loopback for the shapes suite (docs/bench.md):
#   keepalive-wrk.pcap   nginx + wrk -t2 -c16 (HTTP/1.1 keep-alive, ~1000 requests/connection)
#   ka-10k/100k/1m.pcap  its first 10 k / 100 k / 1 M packets (editcap)
#   tls-curl.pcap + tls-curl.keys   curl over TLS 1.3 to nginx ssl (HTTP/1.1 and HTTP/2), SSLKEYLOGFILE
#   curl.strace          strace -f -ttt -T -yy -s 65535 -xx of one curl keep-alive run
# Then: npm run bench -- shapes --file OUT/ka-100k.pcap --tshark
#
# Usage: scripts/record-loopback.sh [OUT_DIR]   (root, for tcpdump on lo)
# Env: PORT (18080), TLS_PORT (18443), SECONDS_WRK (8), CURL_REQUESTS (2000)
# Everything listens on and talks to 127.0.0.1 only; every load is bounded in time or count,
# and only the processes this script started are stopped (by their PIDs).
set -euo pipefail

OUT=$(realpath -m "${1:-bench/out/recorded}")
PORT=${PORT:-18080}
TLS_PORT=${TLS_PORT:-18443}
SECONDS_WRK=${SECONDS_WRK:-8}
CURL_REQUESTS=${CURL_REQUESTS:-2000}
for tool in nginx wrk tcpdump curl strace openssl editcap; do
  command -v "$tool" >/dev/null || { echo "record-loopback: $tool is not installed (apt-get install nginx wrk tcpdump curl strace openssl wireshark-common)" >&2; exit 1; }
done
for p in "$PORT" "$TLS_PORT"; do
  if ss -ltn "sport = :$p" | grep -q LISTEN; then echo "record-loopback: port $p is in use (set PORT / TLS_PORT)" >&2; exit 1; fi
done
mkdir -p "$OUT/www"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The files nginx serves: a 42-byte page (what wrk fetches) and a ~2.7 KB text.
printf '<html><body>hello tracelens</body></html>' > "$OUT/www/index.html"
head -c 2000 /dev/urandom | base64 > "$OUT/www/page.txt"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

# Like /work/captures/nginx.conf (keepalive_requests 1000: nginx closes a connection after 1000
# requests, so wrk reconnects), plus an ssl server offering TLS 1.3, HTTP/1.1 and HTTP/2.
cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000;
  server {
    listen 127.0.0.1:$PORT;
    root $OUT/www;
  }
  server {
    listen 127.0.0.1:$TLS_PORT ssl http2;
    ssl_certificate $WORK/cert.pem;
    ssl_certificate_key $WORK/key.pem;
    ssl_protocols TLSv1.3;
    root $OUT/www;
  }
}
EOF
nginx -c "$WORK/nginx.conf"
for _ in $(seq 50); do [ -s "$WORK/nginx.pid" ] && break; sleep 0.1; done

# capture(FILE, FILTER, COMMAND...): tcpdump on lo around one bounded command.
capture() {
  local file=$1 filter=$2
  shift 2
  tcpdump -i lo -s 0 -U -w "$file" "$filter" 2>"$WORK/tcpdump.log" &
  local tp=$!
  PIDS+=("$tp")
  for _ in $(seq 50); do grep -q listening "$WORK/tcpdump.log" 2>/dev/null && break; sleep 0.1; done
  "$@"
  sleep 1.5
  kill -INT "$tp"
  wait "$tp" || true
  tail -3 "$WORK/tcpdump.log" >&2
}

echo "== wrk keep-alive, ${SECONDS_WRK}s" >&2
capture "$OUT/keepalive-wrk.pcap" "tcp port $PORT" wrk -t2 -c16 -d"${SECONDS_WRK}s" "http://127.0.0.1:$PORT/index.html"
for n in 10000 100000 1000000; do
  label=$([ $n -ge 1000000 ] && echo "$((n / 1000000))m" || echo "$((n / 1000))k")
  editcap -F pcap -r "$OUT/keepalive-wrk.pcap" "$OUT/ka-$label.pcap" "1-$n"
done
capinfos -c "$OUT"/ka-*.pcap >&2

# One curl run reuses one keep-alive connection for every URL of its config file.
urls() { local u=$1 n=$2; for _ in $(seq "$n"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$u"; done; }
echo "== curl over TLS 1.3 with SSLKEYLOGFILE" >&2
rm -f "$OUT/tls-curl.keys"
urls "https://127.0.0.1:$TLS_PORT/page.txt" "$CURL_REQUESTS" > "$WORK/urls.txt"
capture "$OUT/tls-curl.pcap" "tcp port $TLS_PORT" sh -c "
  SSLKEYLOGFILE='$OUT/tls-curl.keys' curl -sk --http1.1 -K '$WORK/urls.txt' &&
  SSLKEYLOGFILE='$OUT/tls-curl.keys' curl -sk --http2 -K '$WORK/urls.txt'"

echo "== strace of curl (plain HTTP/1.1 keep-alive)" >&2
urls "http://127.0.0.1:$PORT/page.txt" "$((CURL_REQUESTS / 10))" > "$WORK/urls-plain.txt"
strace -f -ttt -T -yy -s 65535 -xx -o "$OUT/curl.strace" curl -s -K "$WORK/urls-plain.txt"

ls -la "$OUT" >&2
echo "recorded into $OUT; e.g. npm run bench -- shapes --file $OUT/ka-100k.pcap --tshark" >&2
