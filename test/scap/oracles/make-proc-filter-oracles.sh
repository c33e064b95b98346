#!/bin/sh
# Oracles of proc-filter-sysdig.test.ts, made by sysdig 0.29.3 (never edited by hand), per case:
#   NAME.FIELD=VALUE.txt           what `sysdig -r FILE -p %evt.num 'FIELD = VALUE'` prints (internal
#                                  events are never printed: sysdig.cpp skips EC_INTERNAL unless -D);
#   NAME.FIELD=VALUE.procinfo.txt  the procinfo events `sysdig -D` prints with FIELD = VALUE (evt.num):
#                                  with -D, sinsp::next lets every internal event through the filter,
#                                  so they are selected on the printed field instead.
set -e
C=${CORPUS:-/work/shared/corpus}/scap
cd "$(dirname "$0")"
while read -r file field value col; do
  name=$(basename "$file" .scap)
  sysdig -r "$C/$file" -p '%evt.num' "$field = $value" > "$name.$field=$value.txt"
  sysdig -D -r "$C/$file" -p '*%evt.num %evt.type %thread.tid %proc.pid %proc.name' 2>/dev/null |
    awk -v c="$col" -v v="$value" '$2 == "procinfo" && $c == v { print $1 }' > "$name.$field=$value.procinfo.txt"
done <<'L'
sysdig-inspect/502Error.scap proc.name haproxy 5
sysdig-inspect/502Error.scap proc.pid 13700 4
sysdig-inspect/502Error.scap thread.tid 13700 3
falco/psp_run_as_user_0_container.scap proc.name sshd 5
falco/ping_sendto.scap proc.pid 738 4
falcosecurity-libs/single_ipv6_conn.scap thread.tid 25886 3
L
