#!/usr/bin/env python3
# A projection, not a benchmark of vf: how much faster the graph's tables would take 100,000
# new `produce` events onto a graph of N (default 1,000,000) if rows were keyed by a local,
# increasing integer (each new event's rows appended at the right edge of each b-tree, its
# 32-byte ids kept in one index per table) instead of by their 32-byte ids (each row landing
# at a random place in each b-tree, as in graph schema v9). Same SQLite settings as
# graph.sqlite (WAL, synchronous NORMAL, 64 MiB cache), 1,000 events per transaction, and the
# starting tables written in key order with their indexes made after, as a rebuild leaves them.
#
#   python3 Benchmarks/layout-projection/layout.py [N]     (needs about 2 GB in DIR, default /tmp)
#
# Issue 12's note cites its result (current 5,200 events/s, clustered 14,670: 2.8x).
import os, sqlite3, time, hashlib, sys
N0 = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
N1 = 100_000
BATCH = 1000
DIR = os.environ.get("DIR", "/tmp")
def h(i, salt): return hashlib.blake2b(f"{salt}{i}".encode(), digest_size=32).digest()
def ordkey(i): return i.to_bytes(8, 'big') + bytes(40)
IMAGE = ("kg", "12.5", "12.5", "@farm.ed25519", "@farm.ed25519", None, None, None, None)

def open_db(path):
    if os.path.exists(path): os.remove(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL"); db.execute("PRAGMA cache_size=-65536")
    return db

INSERTS = ("INSERT INTO event VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", "INSERT INTO history VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
           "INSERT INTO resource VALUES (?,?,?,?,?,?,?,?)")

def measure(db, rows, indexes, keyed_by_id):
    """Fills the tables with N0 events in key order, makes `indexes`, then times N1 more, BATCH a transaction."""
    db.execute("BEGIN")
    rs = [rows(i) for i in range(N0)]
    for t, q in enumerate(INSERTS):
        column = (r[t] for r in rs)
        db.executemany(q, sorted(column, key=lambda x: (x[0], x[1])) if keyed_by_id else column)
    for index in indexes: db.execute(index)
    db.execute("COMMIT"); db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    del rs
    start = time.time()
    for b in range(N0, N0 + N1, BATCH):
        db.execute("BEGIN IMMEDIATE")
        for i in range(b, b + BATCH):
            for q, row in zip(INSERTS, rows(i)): db.execute(q, row)
        db.execute("COMMIT")
    db.close()
    return time.time() - start

def current(path):
    db = open_db(path)
    db.executescript("""
    CREATE TABLE event (id BLOB PRIMARY KEY, status INTEGER, reason TEXT, root TEXT, waitsFor BLOB, ord BLOB, container BLOB,
      fromResource BLOB, toResource BLOB, inputOf BLOB, outputOf BLOB, corrects BLOB, creates BLOB) WITHOUT ROWID;
    CREATE TABLE history (resource BLOB, ord BLOB, event BLOB, applied INTEGER, unit TEXT, aq TEXT, oq TEXT, pa TEXT, ho TEXT,
      loc TEXT, ci BLOB, st TEXT, sta TEXT, PRIMARY KEY (resource, ord)) WITHOUT ROWID;
    CREATE TABLE resource (id BLOB PRIMARY KEY, name TEXT, unit TEXT, aq TEXT, oq TEXT, pa TEXT, ho TEXT, createdBy BLOB) WITHOUT ROWID;
    """)
    def rows(i):
        e, r = h(i, 'e'), h(i, 'r')
        return ((e, 0, None, None, None, ordkey(i), None, r, None, None, None, None, r),
                (r, ordkey(i), e, 1) + IMAGE, (r, f"lot {i}", "kg", "12.5", "12.5", "@farm", "@farm", e))
    return measure(db, rows, ["CREATE INDEX eventByFromResource ON event (fromResource, ord) WHERE fromResource IS NOT NULL",
                              "CREATE INDEX eventByCreates ON event (creates) WHERE creates IS NOT NULL"], keyed_by_id=True)

def clustered(path):
    db = open_db(path)
    db.executescript("""
    CREATE TABLE event (n INTEGER PRIMARY KEY, id BLOB NOT NULL, status INTEGER, reason TEXT, root TEXT, waitsFor INTEGER, ord BLOB,
      container INTEGER, fromResource INTEGER, toResource INTEGER, inputOf INTEGER, outputOf INTEGER, corrects INTEGER);
    CREATE TABLE history (resource INTEGER, ord BLOB, event INTEGER, applied INTEGER, unit TEXT, aq TEXT, oq TEXT, pa TEXT, ho TEXT,
      loc TEXT, ci INTEGER, st TEXT, sta TEXT, PRIMARY KEY (resource, ord)) WITHOUT ROWID;
    CREATE TABLE resource (n INTEGER PRIMARY KEY, id BLOB NOT NULL, name TEXT, unit TEXT, aq TEXT, oq TEXT, pa TEXT, ho TEXT);
    """)
    # A resource's number is its creating event's number, so "creates" needs no index.
    def rows(i):
        e, r = h(i, 'e'), h(i, 'r')
        return ((i, e, 0, None, None, None, ordkey(i), None, i, None, None, None, None),
                (i, ordkey(i), i, 1) + IMAGE, (i, r, f"lot {i}", "kg", "12.5", "12.5", "@farm", "@farm"))
    return measure(db, rows, ["CREATE UNIQUE INDEX eventById ON event (id)", "CREATE UNIQUE INDEX resourceById ON resource (id)",
                              "CREATE INDEX eventByFromResource ON event (fromResource, ord) WHERE fromResource IS NOT NULL"],
                   keyed_by_id=False)

a = current(os.path.join(DIR, "layout-a.sqlite"))
print(f"current layout:   {N1} events onto {N0}: {a:.1f} s, {N1/a:.0f} events/s", flush=True)
b = clustered(os.path.join(DIR, "layout-b.sqlite"))
print(f"clustered layout: {N1} events onto {N0}: {b:.1f} s, {N1/b:.0f} events/s; {a/b:.1f}x", flush=True)
for name in ("layout-a.sqlite", "layout-b.sqlite"):
    for suffix in ("", "-wal", "-shm"):
        try: os.remove(os.path.join(DIR, name + suffix))
        except FileNotFoundError: pass
