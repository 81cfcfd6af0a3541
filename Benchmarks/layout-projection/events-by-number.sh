#!/bin/bash
# A projection, not a benchmark of vf: how much less SQLite alone would take to write the graph
# rows a bulk entry added if events were keyed by a local, increasing number with no index on
# their ids (an event found by id through the log's own index of entry ids, which every entry
# pays for already), instead of as the graph holds them now: keyed by their 32-byte ids (graph
# schema v16, each new event at a random place in the event b-tree), or by a number with an
# index of their ids (v17, each new event at a random place in that index).
#
# Kept as the record of the projection that led to graph schema v18, which keys events by
# their entry's place and finds them by id through the log: it compares v16 or v17 files only
# (a v18 file's event table has more columns than its copies here are made with).
#
#   Benchmarks/layout-projection/events-by-number.sh BEFORE.sqlite AFTER.sqlite [LINES]
#
# BEFORE and AFTER: a home's graph.sqlite copied before and after a `vf publish --lines` of
# LINES lines (default 24000), vf not running on either. The rows AFTER has and BEFORE has not
# are written into two copies of BEFORE, each vacuumed and synced first: as it is, and with its
# event table keyed by number with no index on ids (the same columns and other indexes). LINES/1000 transactions, as
# `vf publish --lines` commits, with graph.sqlite's settings; three rounds, alternating. An event
# row the run changed is replaced where the graph holds it, and added again (a second row) in
# the copy without an index of ids: a projection of the writing, not a working table. Needs the
# sqlite3 and bc commands and room for three copies of BEFORE beside it.
set -euo pipefail
before=$1 after=$2 lines=${3:-24000}
dir=$(mktemp -d "$(dirname "$before")/projection.XXXXXX")
trap 'rm -rf "$dir"' EXIT
pragmas="PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384;"
columns="status, reason, root, waitsFor, ord, container, fromResource, toResource, inputOf, outputOf, corrects, creates, corrected"

# The rows the run added or changed, in the order it wrote them: events by number where they
# have one (v17), else in causal order, as history rows.
event_order=$(sqlite3 "$after" "SELECT CASE WHEN EXISTS (SELECT 1 FROM pragma_table_info('event') WHERE name = 'n') THEN 'n' ELSE 'ord' END")
sqlite3 "$dir/stage.sqlite" "ATTACH '$after' AS a; ATTACH '$before' AS b;
  CREATE TABLE event AS SELECT * FROM (SELECT * FROM a.event EXCEPT SELECT * FROM b.event) ORDER BY $event_order;
  CREATE TABLE history AS SELECT * FROM (SELECT * FROM a.history EXCEPT SELECT * FROM b.history) ORDER BY ord;
  CREATE TABLE itemKey AS SELECT * FROM (SELECT * FROM a.itemKey EXCEPT SELECT * FROM b.itemKey) ORDER BY n;
  CREATE TABLE resource AS SELECT * FROM (SELECT * FROM a.resource EXCEPT SELECT * FROM b.resource) ORDER BY n;"

cp "$before" "$dir/byId.sqlite"
sqlite3 "$dir/byId.sqlite" "VACUUM;"
cp "$before" "$dir/byNumber.sqlite"
sqlite3 "$dir/byNumber.sqlite" "
  CREATE TABLE event2 (n INTEGER PRIMARY KEY, id BLOB, status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3), reason TEXT, root TEXT,
    waitsFor BLOB, ord BLOB, container INTEGER, fromResource INTEGER, toResource INTEGER, inputOf INTEGER, outputOf INTEGER,
    corrects BLOB, creates INTEGER, corrected TEXT);
  INSERT INTO event2 (id, $columns) SELECT id, $columns FROM event ORDER BY ord;
  DROP TABLE event;
  ALTER TABLE event2 RENAME TO event;
  CREATE INDEX eventByFromResource ON event (fromResource, status, ord) WHERE fromResource IS NOT NULL;
  CREATE INDEX eventByToResource ON event (toResource, status, ord) WHERE toResource IS NOT NULL;
  CREATE INDEX eventByContainer ON event (container, status, ord) WHERE container IS NOT NULL;
  CREATE INDEX eventByInputOf ON event (inputOf, status, ord) WHERE inputOf IS NOT NULL;
  CREATE INDEX eventByOutputOf ON event (outputOf, status, ord) WHERE outputOf IS NOT NULL;
  CREATE INDEX eventByCorrects ON event (corrects, status, ord) WHERE corrects IS NOT NULL;
  CREATE INDEX eventByCreates ON event (creates) WHERE creates IS NOT NULL AND status <> 0;
  CREATE INDEX eventByWaitsFor ON event (waitsFor) WHERE waitsFor IS NOT NULL;
  VACUUM;"

# The inserts, a thousand lines' share of each table per transaction.
script() {
    local layout=$1
    echo "$pragmas ATTACH '$dir/stage.sqlite' AS s;"
    local batches=$(( (lines + 999) / 1000 ))
    for table in event history itemKey resource; do eval "count_$table=\$(sqlite3 '$dir/stage.sqlite' 'SELECT count(*) FROM $table')"; done
    for ((k = 0; k < batches; k++)); do
        echo "BEGIN;"
        for table in itemKey resource history event; do
            eval "local rows=\$count_$table"
            local first=$(( rows * k / batches )) last=$(( rows * (k + 1) / batches ))
            if [ "$table" = event ] && [ "$layout" = byNumber ]; then
                echo "INSERT INTO main.event (id, $columns) SELECT id, $columns FROM s.event WHERE rowid > $first AND rowid <= $last;"
            else
                echo "INSERT OR REPLACE INTO main.$table SELECT * FROM s.$table WHERE rowid > $first AND rowid <= $last;"
            fi
        done
        echo "COMMIT;"
    done
}
script byId > "$dir/byId.sql"
script byNumber > "$dir/byNumber.sql"

echo "rows added: $(sqlite3 "$dir/stage.sqlite" "SELECT (SELECT count(*) FROM event) || ' events, ' || (SELECT count(*) FROM history) || ' history, ' || (SELECT count(*) FROM itemKey) || ' numbers, ' || (SELECT count(*) FROM resource) || ' resources'")"
for round in 1 2 3; do
    for layout in byId byNumber; do
        rm -f "$dir/work.sqlite" "$dir/work.sqlite-wal" "$dir/work.sqlite-shm"
        cp "$dir/$layout.sqlite" "$dir/work.sqlite"
        sync
        start=$(date +%s.%N)
        sqlite3 "$dir/work.sqlite" < "$dir/$layout.sql" > /dev/null
        end=$(date +%s.%N)
        echo "round $round, events $([ $layout = byId ] && echo "as the graph holds them      " || echo "by number, no index of ids"): $(echo "$end - $start" | bc) s"
    done
done
