#!/usr/bin/env bash
# Make a sysdig rotation (several scap files of one capture) from a recorded scap, without a
# kernel driver: sysdig's cycle dumper also runs when it reads a file (`-r IN -w OUT` with the
# rotation options), and writes what a live `sysdig -w OUT -C/-G/-e … [-W K]` writes: OUT0,
# OUT1, …, each starting with its own section header, machine info, process list, fd list,
# interface and user lists (the tables as they are when the file starts), then its events.
# With -W K the names wrap (a ring): the oldest file is not OUT0. test/sets/scap-rotation.test.ts
# and test/renderer/set-drop.test.tsx make their rotations this way at test time.
#   scripts/make-scap-rotation.sh IN.scap OUTDIR [EVENTS_PER_FILE] [RING_FILES]
# sysdig 0.29.3 cannot read back the rotated files of the 2016-2018 corpus scaps (old block set:
# "corrupted interface list"); the 2019 Falco captures (new block set) rotate fine.
set -euo pipefail
in="$1"
out="$2"
per="${3:-1500}"
ring="${4:-}"
mkdir -p "$out"
args=(-r "$in" -w "$out/$(basename "${in%.scap}").scap" -e "$per")
[ -n "$ring" ] && args+=(-W "$ring")
sysdig "${args[@]}"
ls -l "$out"
