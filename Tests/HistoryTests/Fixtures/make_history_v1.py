"""Writes history-v1.sqlite: a bnlab history as schema v1 left it (two runs), for the migration test.

Schema v1 is frozen: this SQL is a copy of the "v1" migration in Sources/History/HistorySchema.swift,
plus GRDB's migration table saying v1 was applied. Run: python3 make_history_v1.py
"""
import os
import sqlite3

here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, "history-v1.sqlite")
if os.path.exists(path):
    os.remove(path)
db = sqlite3.connect(path)
db.executescript("""
PRAGMA application_id = 1651403874;
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO grdb_migrations VALUES ('v1');
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    label TEXT NOT NULL,
    git_commit TEXT,
    config_hash TEXT NOT NULL,
    profile TEXT NOT NULL,
    studies TEXT NOT NULL,
    bnlab_version TEXT NOT NULL,
    total_seconds REAL NOT NULL,
    UNIQUE (started_at, config_hash)
);
CREATE TABLE run_values (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    label TEXT NOT NULL,
    value REAL,
    unit TEXT NOT NULL,
    better TEXT NOT NULL,
    PRIMARY KEY (run_id, metric)
);
PRAGMA user_version = 1;
""")
for night, acc in [(1, 0.50), (2, 0.52)]:
    cur = db.execute(
        "INSERT INTO runs (started_at, recorded_at, label, git_commit, config_hash, profile, studies, bnlab_version, total_seconds)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (f"2026-10-0{night}T02:00:00Z", f"2026-10-0{night}T03:00:00Z", f"v1 night {night}", "0123456789abcdef",
         "00000000deadbeef", "quick", "lr-sweep,covariate-shift", "0.1.0", 100.0 + night))
    db.execute("INSERT INTO run_values VALUES (?, ?, ?, ?, ?, ?)",
               (cur.lastrowid, "lr-sweep.depth2.bn.best_accuracy", "Best test accuracy, ConvNet (depth 2), with BN", acc,
                "accuracy", "higher"))
    db.execute("INSERT INTO run_values VALUES (?, ?, ?, ?, ?, ?)",
               (cur.lastrowid, "time.total", "Total wall time", 100.0 + night, "seconds", "lower"))
db.commit()
db.close()
