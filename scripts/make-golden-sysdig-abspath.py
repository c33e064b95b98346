#!/usr/bin/env python3
"""Craft a scap with *at calls and record sysdig's evt.abspath of it (the corpus has none that
sysdig 0.29.3 reads: its only openat events are in a libs 0.18 capture it cannot open).

Takes the corpus's falco/cat_write.scap (V1 event blocks, EV 0x204) and inserts, after its event
159 (cat, tid 20072, mprotect exit), enter/exit pairs of openat, mkdirat, renameat2, unlinkat,
symlinkat, fchmodat and linkat (and a chdir) whose dirfd is AT_FDCWD, an fd the crafted openat opened on /etc,
a file fd, or an fd the table lacks; paths absolute, relative, with `..` and `.`. Writes
  test/golden/sysdig-abspath/abspath.scap.gz   the crafted capture (gzip: scap readers read it)
  test/golden/sysdig-abspath/abspath.tsv       `sysdig -r ... -p "*%evt.num\\t%evt.type\\t..."`
Layout of an event (libscap scap_savefile.c, V1 block): u16 cpu, u64 ts, u64 tid, u32 len,
u16 type, u16 length per parameter, the parameters; event type numbers and parameter lists from
driver/event_table.c (PPME_SYSCALL_OPENAT_2_E = 306 ...).
  scripts/make-golden-sysdig-abspath.py [corpus-dir]
"""
import gzip
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'shared', 'corpus')
if not os.path.isdir(CORPUS):
    CORPUS = '/work/shared/corpus'
OUT = os.path.join(HERE, 'test', 'golden', 'sysdig-abspath')
AFTER = 159  # insert after this event (cat's mprotect exit; cat's cwd and fd table are known)
TID = 20072
AT_FDCWD = -100


def fd(v):
    return struct.pack('<q', v)


def s(v):
    return v.encode() + b'\0'


def u32(v):
    return struct.pack('<I', v)


def u64(v):
    return struct.pack('<Q', v)


# (type, params) in order; the enter of each exit comes first.
O_RDONLY, O_DIRECTORY = 1 << 0, 1 << 10  # PPM_O_* (ppm_events_public.h)
EVENTS = [
    (306, [fd(AT_FDCWD), s('/etc'), u32(O_RDONLY | O_DIRECTORY), u32(0)]),
    (307, [fd(7), fd(AT_FDCWD), s('/etc'), u32(O_RDONLY | O_DIRECTORY), u32(0), u32(0)]),
    (306, [fd(7), s('passwd'), u32(O_RDONLY), u32(0)]),
    (307, [fd(8), fd(7), s('passwd'), u32(O_RDONLY), u32(0), u32(0)]),
    (306, [fd(AT_FDCWD), s('notes/../a.txt'), u32(O_RDONLY), u32(0)]),
    (307, [fd(9), fd(AT_FDCWD), s('notes/../a.txt'), u32(O_RDONLY), u32(0), u32(0)]),
    # chdir: later AT_FDCWD paths resolve against /home/u (before it cat's cwd is unknown: relative).
    (94, []),
    (95, [fd(0), s('/home/u')]),
    (306, [fd(AT_FDCWD), s('./notes/../c.txt'), u32(O_RDONLY), u32(0)]),
    (307, [fd(10), fd(AT_FDCWD), s('./notes/../c.txt'), u32(O_RDONLY), u32(0), u32(0)]),
    (304, []),
    (305, [fd(0), fd(7), s('newdir'), u32(0o755)]),
    (318, []),
    (319, [fd(0), fd(7), s('a'), fd(AT_FDCWD), s('../b'), u32(0)]),
    (302, []),
    (303, [fd(-2), fd(42), s('x'), u32(0)]),
    (180, []),
    (181, [fd(0), s('/etc/passwd'), fd(7), s('pw')]),
    (312, []),
    (313, [fd(0), fd(7), s('/abs/./path'), u32(0o644)]),
    (310, []),
    (311, [fd(0), fd(8), s('x'), fd(7), s('y'), u32(0)]),
]


def event_block(ts, etype, params):
    lens = b''.join(struct.pack('<H', len(p)) for p in params)
    body = b''.join(params)
    evlen = 22 + len(lens) + len(body)
    ev = struct.pack('<HQQIH', 0, ts, TID, evlen, etype) + lens + body
    ev += b'\0' * (-len(ev) % 4)
    total = 12 + len(ev)
    return struct.pack('<II', 0x204, total) + ev + struct.pack('<I', total)


def main():
    data = gzip.open(os.path.join(CORPUS, 'scap', 'falco', 'cat_write.scap')).read()
    out = bytearray()
    o = 0
    n = 0
    while o < len(data):
        bt, bl = struct.unpack_from('<II', data, o)
        if bl < 12:
            sys.exit(f'bad block length at {o}')
        out += data[o:o + bl]
        if bt == 0x204:
            n += 1
            if n == AFTER:
                ts = struct.unpack_from('<Q', data, o + 10)[0]
                for k, (etype, params) in enumerate(EVENTS):
                    out += event_block(ts + k + 1, etype, params)
        o += bl
    os.makedirs(OUT, exist_ok=True)
    scap = os.path.join(OUT, 'abspath.scap')
    with open(scap, 'wb') as f:
        f.write(bytes(out))
    # fd.name before evt.abspath: extracting evt.abspath sets the event's fd to its dirfd's entry
    # (extract_abspath: evt->m_fdinfo = get_fd(dirfd)), so a later %fd.name would print the directory.
    fields = ['evt.num', 'evt.type', 'evt.dir', 'fd.name', 'proc.cwd', 'evt.abspath', 'evt.abspath.src', 'evt.abspath.dst']
    fmt = '*' + '\t'.join('%' + f for f in fields)
    ver = subprocess.run(['sysdig', '--version'], capture_output=True, text=True).stdout.strip()
    print(ver, file=sys.stderr)
    res = subprocess.run(['sysdig', '-r', scap, '-p', fmt], capture_output=True, text=True, env={**os.environ, 'TZ': 'UTC'}, check=True)
    with gzip.GzipFile(scap + '.gz', 'wb', mtime=0) as g:
        g.write(bytes(out))
    os.remove(scap)
    first, last = AFTER + 1, AFTER + len(EVENTS)
    rows = [l for l in res.stdout.splitlines() if l and first <= int(l.split('\t')[0]) <= last]
    with open(os.path.join(OUT, 'abspath.tsv'), 'w') as f:
        f.write('\t'.join(fields) + '\n' + '\n'.join(rows) + '\n')
    print(f'wrote {OUT}/abspath.scap.gz and abspath.tsv ({len(rows)} events)', file=sys.stderr)


main()
