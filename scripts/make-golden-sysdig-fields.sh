#!/usr/bin/env bash
# Regenerate the per-event syscall field oracle (test/golden/sysdig/*.tsv.gz) from sysdig.
# One gzipped TSV per corpus .scap file that sysdig can read; the file name is the path relative
# to the corpus with "/" replaced by "__". The first line names the fields; each other line is one
# event as `sysdig -r FILE -p "*%f1\t%f2..."` prints it (the leading `*` prints every event, also
# those lacking a field, which sysdig shows as <NA>). Gzipped: the plain text is 3.5 MB.
#   scripts/make-golden-sysdig-fields.sh [corpus-dir]
# evt.args is not here: its values may hold newlines (one event would span lines); the line
# test test/scap/scap.test.ts compares it with sysdig's rendering instead; proc.env for the same
# reason (environments hold newlines), tested in test/scap/sysdig-env.test.ts, and evt.info (the
# arguments), in test/scap/sysdig-info.test.ts. fd.stream is ours.
# The oracle version matters (sysdig 0.29.3 here): it is printed to stderr.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-$here/../shared/corpus}"
[ -d "$corpus" ] || corpus=/work/shared/corpus
out="$here/test/golden/sysdig"
mkdir -p "$out"

fields=(evt.num evt.time evt.rawtime evt.datetime evt.cpu evt.dir evt.type evt.category evt.latency evt.buflen
  evt.res evt.rawres evt.failed evt.is_io evt.is_io_read evt.is_io_write
  proc.name proc.pid proc.ppid proc.pname proc.aname[2] proc.apid[2] proc.exe proc.exepath proc.args proc.cmdline proc.cwd
  thread.tid thread.ismain
  fd.num fd.name fd.type fd.typechar fd.directory fd.filename fd.sockfamily fd.l4proto fd.is_server
  fd.cip fd.sip fd.cport fd.sport fd.lip fd.rip fd.lport fd.rport
  container.id container.name container.image user.uid user.name group.gid group.name
  evt.time.s evt.time.iso8601 evt.datetime.s evt.rawtime.s evt.rawtime.ns evt.reltime evt.reltime.s evt.reltime.ns
  evt.latency.s evt.latency.ns evt.latency.human evt.deltatime evt.deltatime.s evt.deltatime.ns
  evt.count evt.count.exit evt.count.error evt.count.error.file evt.count.error.net evt.count.error.memory evt.count.error.other
  evt.io_dir evt.is_wait evt.wait_latency evt.is_syslog evt.is_open_read evt.is_open_write evt.is_open_exec
  proc.exeline proc.pcmdline container.type user.homedir user.shell thread.vtid proc.vpid
  proc.sid proc.sname proc.vpgid proc.tty proc.loginshellid proc.nthreads proc.nchilds proc.duration
  proc.fdlimit proc.fdopencount proc.vmsize proc.vmrss proc.vmswap thread.vmsize thread.vmrss thread.pfmajor thread.pfminor
  thread.cgroups proc.is_exe_writable user.loginuid user.loginname
  container.image.id container.privileged container.mounts fd.containername fd.containerdirectory
  fd.uid fd.connected fd.name_changed thread.exectime thread.totexectime
  proc.fdusage evt.latency.quantized evt.count.procinfo evt.count.threadinfo
  evt.abspath evt.abspath.src evt.abspath.dst)
# evt.abspath last: extracting it points the event's fd at its dirfd's entry (extract_abspath),
# which would change the fd fields printed after it.
format_of() {
  local f out="*"
  for f in "$@"; do out+="%$f"$'\t'; done
  printf '%s' "${out%$'\t'}"
}
fmt="$(format_of "${fields[@]}")"
# sysdig 0.29.3 stops with "invalid thread state ID4" on psp_privileged.scap (a container JSON
# metaevent, its one event) when asked for thread.totexectime: such a file is retried without it.
short=()
for f in "${fields[@]}"; do [ "$f" = thread.totexectime ] || short+=("$f"); done
shortfmt="$(format_of "${short[@]}")"

sysdig --version 2>/dev/null | head -1 >&2
n=0
skipped=0
cd "$corpus"
while IFS= read -r -d '' file; do
  rel="${file#./}"
  name="${rel//\//__}.tsv.gz"
  tmp="$(mktemp)"
  # TZ=UTC: evt.time is printed in local time.
  names=("${fields[@]}")
  if ! TZ=UTC sysdig -r "$rel" -p "$fmt" >"$tmp.body" 2>/dev/null; then
    names=("${short[@]}")
    TZ=UTC sysdig -r "$rel" -p "$shortfmt" >"$tmp.body" 2>/dev/null || : >"$tmp.body"
  fi
  if [ -s "$tmp.body" ]; then
    { (IFS=$'\t'; echo "${names[*]}"); cat "$tmp.body"; } | gzip -n -9 >"$tmp"
    chmod 644 "$tmp"
    mv "$tmp" "$out/$name"
    n=$((n + 1))
  else
    rm -f "$tmp"
    echo "skipped (sysdig cannot read, or no events): $rel" >&2
    skipped=$((skipped + 1))
  fi
  rm -f "$tmp.body"
done < <(find . -type f -name '*.scap' -print0 | sort -z)
echo "wrote $n golden files to $out ($skipped skipped)" >&2

# proc.env and evt.info apart: environments and arguments may hold newlines and tabs, so each
# event starts with a marker line and its value is written JSON-encoded: one `evt.num<TAB>"json"`
# line per event, in test/golden/sysdig/env and test/golden/sysdig/info.
json_golden() {
  local field="$1" dir="$2" m=0
  mkdir -p "$dir"
  while IFS= read -r -d '' file; do
    rel="${file#./}"
    name="${rel//\//__}.tsv.gz"
    tmp="$(mktemp)"
    if TZ=UTC sysdig -r "$rel" -p $'*\x01%evt.num\t%'"$field" >"$tmp.body" 2>/dev/null && [ -s "$tmp.body" ]; then
      python3 -c '
import json, sys
data = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
out = ["evt.num\t" + sys.argv[2]]
for rec in data.split("\x01")[1:]:
    rec = rec[:-1] if rec.endswith("\n") else rec
    num, _, val = rec.partition("\t")
    out.append(num + "\t" + json.dumps(val, ensure_ascii=False))
sys.stdout.write("\n".join(out) + "\n")
' "$tmp.body" "$field" | gzip -n -9 >"$tmp"
      chmod 644 "$tmp"
      mv "$tmp" "$dir/$name"
      m=$((m + 1))
    else
      rm -f "$tmp"
    fi
    rm -f "$tmp.body"
  done < <(find . -type f -name '*.scap' -print0 | sort -z)
  echo "wrote $m $field golden files to $dir" >&2
}
json_golden proc.env "$out/env"
json_golden evt.info "$out/info"
