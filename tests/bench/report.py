#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Turns run.sh's raw result lines (one ninebench line per run, prefixed
# with srv= and rep=) into the tables of docs/benchmarks.md: medians per
# workload and server, ratios, CPU per unit, RSS, the stalled client and
# the sshfs comparison. It measures nothing itself.
#
# Usage: report.py RAW IDLE_RSS_KIB PEAK_RSS_KIB
import statistics
import sys

raw, idle_rss, peak_rss = sys.argv[1], sys.argv[2], sys.argv[3]

runs = {}      # (wl, srv) -> list of dicts
stalls = []
notes = []
for line in open(raw):
    line = line.strip()
    if line.startswith('#'):
        notes.append(line[2:])
        continue
    if line.startswith('stall '):
        stalls.append(line[6:])
        continue
    kv = {}
    for tok in line.split():
        if '=' in tok:
            k, v = tok.split('=', 1)
            kv[k] = v
    if 'label' not in kv or kv.get('err') != '0':
        continue
    runs.setdefault((kv['label'], kv['srv']), []).append(kv)


def metric_of(wl):
    base = wl.replace('sshfs-', '')
    if base == 'readdir':
        return 'items_s', 'entries/s'
    if base.startswith(('read-', 'write-')):
        return 'mib_s', 'MiB/s'
    if base == 'mixed':
        return 'reqs_s', '9P req/s'
    if base.startswith(('stat', 'create')):
        return 'units_s', 'files/s'
    return 'units_s', 'ops/s'


def med(wl, srv, key):
    rs = runs.get((wl, srv))
    if not rs:
        return None
    return statistics.median(float(r[key]) for r in rs)


def spread(wl, srv, key):
    """(max - min) / median of the runs, in percent."""
    rs = runs.get((wl, srv))
    if not rs or len(rs) < 2:
        return '—'
    v = [float(r[key]) for r in rs]
    m = statistics.median(v)
    return '%.0f%%' % (100.0 * (max(v) - min(v)) / m) if m else '—'


def cpu_per(wl, srv, pid):
    """Median CPU microseconds of process pid per unit (per MiB for I/O)."""
    rs = runs.get((wl, srv))
    if not rs or ('pid%d_cpu_us' % pid) not in rs[0]:
        return None
    vals = []
    for r in rs:
        cpu = float(r['pid%d_cpu_us' % pid])
        if wl.replace('sshfs-', '').startswith(('read-', 'write-')):
            n = float(r['bytes']) / 1048576.0
        elif 'readdir' in wl:
            n = float(r['items']) / 1000.0
        elif 'mixed' in wl:
            n = float(r['reqs'])
        else:
            n = float(r['units'])
        if n > 0:
            vals.append(cpu / n)
    return statistics.median(vals) if vals else None


def fmt(v, digits=0):
    if v is None:
        return '—'
    if digits == 0:
        return '{:,.0f}'.format(v)
    return '{:.{}f}'.format(v, digits)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return '—'
    return '{:.2f}×'.format(a / b)


order = []
for (wl, srv) in runs:
    if wl not in order:
        order.append(wl)

print()
for n in notes:
    print('#', n)
print()
print('Medians of the runs; ratios are ninegate / other (higher is better '
      'for ninegate); spread is (max - min) / median of ninegate\'s runs. '
      'CPU is per unit: per MiB for read/write, per 1000 '
      'entries for readdir, per 9P request for mixed, else per operation '
      '(µs, user+system, of the gateway / its backend / diod / '
      'passthrough_ll).')
print()
print('| workload | unit | ninegate | diod -t 1 | diod | kernel FUSE | '
      'ng/diod -t 1 | ng/diod | ng/kFUSE | ng spread | CPU gw | '
      'CPU backend | CPU diod | CPU pll |')
print('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for wl in order:
    if wl.startswith('sshfs-'):
        continue
    key, unit = metric_of(wl)
    ng, d1, dn, kf = (med(wl, s, key) for s in ('ng', 'diod1', 'diod',
                                               'kfuse'))
    print('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s '
          '| %s |'
          % (wl, unit, fmt(ng), fmt(d1), fmt(dn), fmt(kf), ratio(ng, d1),
             ratio(ng, dn), ratio(ng, kf), spread(wl, 'ng', key),
             fmt(cpu_per(wl, 'ng', 0), 1), fmt(cpu_per(wl, 'ng', 1), 1),
             fmt(cpu_per(wl, 'diod', 0), 1), fmt(cpu_per(wl, 'kfuse', 0), 1)))

print()
print('ninegate RSS: idle after start %s KiB; peak over the whole run %s KiB'
      % (idle_rss, peak_rss))
if stalls:
    print()
    print('A client that sends 1 MiB Treads and never reads a reply (3 s):')
    print()
    for s in stalls:
        print('-', s)

ssh = [wl for wl in order if wl.startswith('sshfs-')]
if ssh:
    print()
    print('| over sshfs | unit | ninegate -- sshfs | kernel sshfs mount | '
          'ratio | CPU gw | CPU sshfs (ng) | CPU sshfs (kernel) |')
    print('|---|---|---:|---:|---:|---:|---:|---:|')
    for wl in ssh:
        key, unit = metric_of(wl)
        a, b = med(wl, 'ngs', key), med(wl, 'ksshfs', key)
        print('| %s | %s | %s | %s | %s | %s | %s | %s |'
              % (wl, unit, fmt(a), fmt(b), ratio(a, b),
                 fmt(cpu_per(wl, 'ngs', 0), 1), fmt(cpu_per(wl, 'ngs', 1), 1),
                 fmt(cpu_per(wl, 'ksshfs', 0), 1)))
