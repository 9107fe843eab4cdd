import GRDB

/// The history file's schema and its migrations, oldest first.
///
/// Each migration runs in a transaction and sets `PRAGMA user_version` to its number, so other
/// tools (and `HistoryStore.checkIsOurs`) can tell the schema without GRDB. Never edit a migration
/// that shipped: add the next one, and a test that opens a committed file of the previous version.
enum HistorySchema {
    /// `PRAGMA application_id`: "bnlb". Marks the file as a bnlab history.
    static let applicationID: UInt32 = 0x626E_6C62
    /// The newest schema version this bnlab writes.
    static let version: UInt32 = 2

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        // v1: runs and their numbers.
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                PRAGMA application_id = \(applicationID);
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
        }
        // v2: the machine and job count (wall times compare only on the same machine), and an
        // index for reading one metric's series (`history show`, the trend charts).
        m.registerMigration("v2") { db in
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN machine TEXT;
                ALTER TABLE runs ADD COLUMN jobs INTEGER;
                CREATE INDEX run_values_by_metric ON run_values (metric, run_id);
                PRAGMA user_version = 2;
                """)
        }
        return m
    }

    /// Brings `db` to the newest schema. A file that a concurrent first run is creating at the same
    /// moment may fail once with "already exists"; the second attempt finds it migrated.
    static func migrate(_ db: DatabaseQueue, upTo target: String? = nil) throws {
        let m = migrator
        for attempt in 1...3 {
            do {
                if let target { try m.migrate(db, upTo: target) } else { try m.migrate(db) }
                return
            } catch let error as DatabaseError where attempt < 3 {
                _ = error
                continue
            }
        }
    }
}
