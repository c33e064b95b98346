#!/usr/bin/env python3
"""Transcribe the facts of falcosecurity/libs' event schema into a TypeScript data table.

Usage: gen-scap-event-table.py LIBS_CHECKOUT COMMIT > electron/engine/syscalls/scap-event-table.ts

Reads driver/ppm_events_public.h (enum values, PPM_* constants), driver/event_table.c (event
names, categories, flags, parameter names/types/print formats) and driver/flags_table.c /
driver/dynamic_params_table.c (flag names and values). Emits names and numbers only.
"""
import re, sys, json

root, commit = sys.argv[1], sys.argv[2]
hdr = open(f'{root}/driver/ppm_events_public.h').read()
tbl = open(f'{root}/driver/event_table.c').read()
flg = open(f'{root}/driver/flags_table.c').read()
dyn = open(f'{root}/driver/dynamic_params_table.c').read()

def strip_comments(s):
    s = re.sub(r'/\*.*?\*/', ' ', s, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', s)

hdr_nc = re.sub(r"\\\n", " ", strip_comments(hdr))
consts = {}
# enum members with explicit values and #defines, resolved iteratively
for m in re.finditer(r'^\s*(\w+)\s*=\s*([^,\n]+),?\s*$', hdr_nc, re.M):
    consts.setdefault(m.group(1), m.group(2).strip().rstrip(','))
for m in re.finditer(r'^#define\s+(\w+)\s+(.+)$', hdr_nc, re.M):
    consts.setdefault(m.group(1), m.group(2).strip())
# implicit enum values (enum members without "= value" count on from the previous one)
for em in re.finditer(r'enum\s*\w*\s*\{(.*?)\}', hdr_nc, re.S):
    prev = -1
    for item in em.group(1).split(','):
        item = item.strip()
        if not item:
            continue
        if '=' in item:
            k, v = item.split('=', 1)
            k = k.strip()
            try:
                prev = ev(v)
            except Exception:
                prev = None
            continue
        if re.fullmatch(r'\w+', item) and prev is not None:
            prev += 1
            consts[item] = str(prev)

cache = {}
def ev(expr, depth=0):
    expr = " ".join(expr.split())
    if depth > 20:
        raise ValueError(expr)
    def rep(m):
        name = m.group(0)
        if name in cache:
            return str(cache[name])
        if name in consts:
            v = ev(consts[name], depth + 1)
            cache[name] = v
            return str(v)
        raise ValueError(name)
    py = re.sub(r'\b[A-Za-z_]\w*\b', rep, expr)
    py = re.sub(r'\b(\d+)[uUlL]+\b', r'\1', py)
    py = re.sub(r'\b0x([0-9a-fA-F]+)[uUlL]*\b', lambda m: str(int(m.group(1), 16)), py)
    py = re.sub(r'\b0([0-7]+)\b', lambda m: str(int(m.group(1), 8)), py)
    return int(eval(py, {}))

# resolve enums that need ev (second pass for implicit members after expressions)
for em in re.finditer(r'enum\s*\w*\s*\{(.*?)\}', hdr_nc, re.S):
    prev = -1
    for item in em.group(1).split(','):
        item = item.strip()
        if not item:
            continue
        if '=' in item:
            k, v = item.split('=', 1)
            try:
                prev = ev(v)
                cache[k.strip()] = prev
            except Exception:
                prev = None
        elif re.fullmatch(r'\w+', item) and prev is not None:
            prev += 1
            cache[item] = prev

tbl_nc = strip_comments(tbl)
start = tbl_nc.index('g_event_info[]')
body = tbl_nc[start:]
entries = {}
parts = re.split(r'\[(PPME_\w+)\]\s*=', body)[1:]
for i in range(0, len(parts), 2):
    ename, text = parts[i], parts[i + 1]
    m = re.match(r'\s*\{\s*"([^"]*)"\s*,\s*([^,]+?)\s*,\s*([^,]+?)\s*,\s*(\d+)', text, re.S)
    if not m:
        raise SystemExit(f'cannot parse {ename}')
    name, cat, flags, n = m.group(1), ev(m.group(2)), ev(m.group(3)), int(m.group(4))
    params = []
    for p in re.finditer(r'\{\s*"([^"]*)"\s*,\s*(PT_\w+)\s*,\s*(PF_\w+)\s*(?:,\s*([^}]*?))?\s*\}', text[m.end():]):
        info = (p.group(4) or '').strip()
        extra = ''
        if info.startswith('DIRFD_PARAM'):
            extra = 'dirfd=' + re.search(r'\((\d+)\)', info).group(1)
        elif info:
            extra = info.split(',')[0].strip()
        params.append([p.group(1), ev(p.group(2)), ev(p.group(3)), extra])
        if len(params) == n:
            break
    if len(params) != n:
        raise SystemExit(f'{ename}: expected {n} params, got {len(params)}')
    entries[ev(ename)] = [name, cat, flags, params, ename]

maxev = ev('PPM_EVENT_MAX')

flag_tables = {}
flg_nc = strip_comments(flg)
for m in re.finditer(r'const struct ppm_name_value (\w+)\[\]\s*=\s*\{(.*?)\};', flg_nc, re.S):
    vals = []
    for v in re.finditer(r'\{\s*"([^"]*)"\s*,\s*([^}]+?)\s*\}', m.group(2)):
        vals.append([v.group(1), ev(v.group(2))])
    flag_tables[m.group(1)] = vals

dyn_tables = {}
for m in re.finditer(r'const struct ppm_param_info (\w+)\[\w+\]\s*=\s*\{(.*?)\};', strip_comments(dyn), re.S):
    vals = {}
    for v in re.finditer(r'\[(\w+)\]\s*=\s*\{\{0\},\s*(PT_\w+),\s*(PF_\w+)', m.group(2)):
        vals[ev(v.group(1))] = [ev(v.group(2)), ev(v.group(3))]
    dyn_tables[m.group(1)] = [vals.get(i) for i in range(max(vals) + 1)]

out = []
w = out.append
w('/**')
w(' * The scap event schema: for every event type id, its name, category, flags and parameters')
w(' * (name, PT_* type, PF_* print format, flag table / dirfd reference), plus the flag-name tables.')
w(' *')
w(f' * Transcribed (facts only: names and numbers) from falcosecurity/libs @ {commit}:')
w(' *   driver/event_table.c, driver/ppm_events_public.h, driver/flags_table.c, driver/dynamic_params_table.c')
w(" *   userspace/libsinsp/utils.cpp, sinsp_errno.h, sinsp_signal.h (errno and signal names)")
w(' * Generated by scripts/gen-scap-event-table.py; do not edit by hand.')
w(' */')
w('')
w(f"export const LIBS_COMMIT = '{commit}';")
w('')
w('/** [name, PT_ type, PF_ format, extra] where extra is a flag table name, `dirfd=N` or a dynamic table name. */')
w('export type ParamDef = readonly [string, number, number, string];')
w('/** [name, category (EC_* bits), flags (EF_* bits), params, PPME_ enum name]. */')
w('export type EventDef = readonly [string, number, number, readonly ParamDef[], string];')
w('')
w(f'export const PPM_EVENT_MAX = {maxev};')
w('')
w('export const EVENT_TABLE: readonly (EventDef | undefined)[] = [')
for i in range(maxev):
    e = entries.get(i)
    if e is None:
        w('  undefined,')
    else:
        w(f'  {json.dumps([e[0], e[1], e[2], e[3], e[4]])},')
w('];')
w('')
w('/** Flag / enum name tables: [name, value] in the order libs lists them. */')
w('export const FLAG_TABLES: Readonly<Record<string, readonly (readonly [string, number])[]>> = {')
for k, v in flag_tables.items():
    w(f'  {k}: {json.dumps(v)},')
w('};')
w('')
w('/** PT_DYN parameter tables: index (first byte of the value) -> [PT_ type, PF_ format]. */')
w('export const DYN_TABLES: Readonly<Record<string, readonly (readonly [number, number] | null)[]>> = {')
for k, v in dyn_tables.items():
    w(f'  {k}: {json.dumps(v)},')
w('};')
print('\n'.join(out))

# errno and signal names as libsinsp prints them (userspace/libsinsp/utils.cpp errno_to_str /
# signal_to_str with the SE_* numbers of sinsp_errno.h / sinsp_signal.h)
def name_table(defs_path, fn):
    defs = {m.group(1): int(m.group(2)) for m in re.finditer(r'#define\s+(SE_\w+)\s+(\d+)', open(defs_path).read())}
    src = open(f'{root}/userspace/libsinsp/utils.cpp').read()
    body = src[src.index(fn):]
    body = body[:body.index('\n}\n')]
    pairs = []
    for m in re.finditer(r'case\s+(SE_\w+):\s*return\s+"([^"]+)"', body):
        pairs.append([defs[m.group(1)], m.group(2)])
    return pairs
errnos = name_table(f'{root}/userspace/libsinsp/sinsp_errno.h', 'sinsp_utils::errno_to_str')
sigs = name_table(f'{root}/userspace/libsinsp/sinsp_signal.h', 'sinsp_utils::signal_to_str')
tail = []
tail.append('')
tail.append('/** errno number -> name (libsinsp userspace/libsinsp/utils.cpp errno_to_str, sinsp_errno.h). */')
tail.append(f'export const ERRNO_NAMES: ReadonlyMap<number, string> = new Map({json.dumps(errnos)});')
tail.append('')
tail.append('/** signal number -> name (libsinsp userspace/libsinsp/utils.cpp signal_to_str, sinsp_signal.h). */')
tail.append(f'export const SIGNAL_NAMES: ReadonlyMap<number, string> = new Map({json.dumps(sigs)});')
print('\n'.join(tail))

# ppm_sc syscall codes (PT_SYSCALLID values of generic events): PPM_SC_X(NAME, code), names lowercased
scs = {int(m.group(2)): m.group(1).lower() for m in re.finditer(r'PPM_SC_X\((\w+),\s*(\d+)\)', hdr)}
print('')
print('/** ppm_sc code -> syscall name (ppm_events_public.h PPM_SC_FIELDS), for generic `syscall` events. */')
print(f'export const SC_NAMES: ReadonlyMap<number, string> = new Map({json.dumps(sorted(scs.items()))});')
