//! The engine's [`Storage`] for the server: in memory, or SQLite (`--db PATH`).
//!
//! # SQLite layout
//!
//! One table per record kind, keyed by the normalised id the engine hands over (the sharding
//! key), each record a JSON text (serde_json of the engine's serde records):
//!
//! | table | key | record |
//! | --- | --- | --- |
//! | `accounts` | user id | `Account` (the password in the clear, as the 4-way digest login needs it) |
//! | `user_records` | user id | `UserRecord`: contact lists, attribute lists, block/grant lists, authorisations |
//! | `group_records` | group id | `GroupRecord` |
//! | `stored_messages` | message id | `StoredMessage`: undelivered messages and delivery reports |
//!
//! `load` reads every table; `apply` upserts (`Some`) or deletes (`None`) each record.
//!
//! # Group commit and durability
//!
//! `apply` does not commit: the first batch after a commit opens a transaction, each batch runs
//! inside a savepoint of it (so a failing batch is undone alone), and [`Store::commit`] ends the
//! transaction. The server's engine thread handles a burst of requests, commits once, and only
//! then sends the burst's replies: an acknowledged request is on disk.
//!
//! The database runs in WAL mode with `synchronous=NORMAL`: a commit survives a crash or kill of
//! the server process (the WAL is written before the reply goes out), but the last commits
//! before a power loss or an operating-system crash may be lost, since the WAL is synced only at
//! checkpoints. `synchronous=FULL` would close that window at the price of one fsync per
//! commit. Checkpoints (which fsync) run every half second on a thread and connection of their
//! own, never in the engine thread's commits.

use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use imps_session::server::{Account, Batch, MemoryStorage, Snapshot, Storage, StorageError};
use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The schema version kept in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 1;

const TABLES: [&str; 4] = ["accounts", "user_records", "group_records", "stored_messages"];

/// Storage in memory or in SQLite.
#[derive(Debug)]
pub enum Store {
    /// Nothing survives the process.
    Memory(MemoryStorage),
    /// A SQLite file.
    Sqlite(SqliteStorage),
}

impl Store {
    /// SQLite at `path` when given, memory otherwise.
    pub fn open(path: Option<&Path>) -> Result<Store, StorageError> {
        Ok(match path {
            Some(p) => Store::Sqlite(SqliteStorage::open(p)?),
            None => Store::Memory(MemoryStorage::new()),
        })
    }

    /// Makes every batch applied since the last commit durable.
    pub fn commit(&self) -> Result<(), StorageError> {
        match self {
            Store::Memory(_) => Ok(()),
            Store::Sqlite(s) => s.commit(),
        }
    }

    /// What the store is, for the start-up line.
    pub fn describe(&self) -> String {
        match self {
            Store::Memory(_) => "memory".to_owned(),
            Store::Sqlite(s) => format!("sqlite {}", s.path),
        }
    }
}

impl Storage for Store {
    fn load(&mut self) -> Result<Snapshot, StorageError> {
        match self {
            Store::Memory(m) => m.load(),
            Store::Sqlite(s) => s.load(),
        }
    }

    fn apply(&mut self, batch: &Batch) -> Result<(), StorageError> {
        match self {
            Store::Memory(m) => m.apply(batch),
            Store::Sqlite(s) => s.apply(batch),
        }
    }
}

/// The engine's records in a SQLite file (see the module documentation).
#[derive(Debug)]
pub struct SqliteStorage {
    conn: Connection,
    path: String,
    /// A transaction is open (batches applied since the last commit).
    in_tx: Cell<bool>,
    /// The checkpointing thread and its stop flag.
    checkpointer: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
}

/// How often the WAL is checkpointed into the database, off the engine thread.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies the WAL into the database file every [`CHECKPOINT_EVERY`] on a connection and thread
/// of its own (`PRAGMA wal_checkpoint(PASSIVE)`: it never blocks the writer), so the fsyncs of
/// checkpoints stay off the engine thread, which runs with `wal_autocheckpoint=0`.
fn spawn_checkpointer(path: &Path) -> Result<(Arc<AtomicBool>, std::thread::JoinHandle<()>), StorageError> {
    let conn = Connection::open(path).map_err(|e| err("open checkpointer", e))?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(|e| err("busy_timeout", e))?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handle = std::thread::Builder::new()
        .name("imps-checkpoint".into())
        .spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::thread::park_timeout(CHECKPOINT_EVERY);
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        })
        .map_err(|e| err("checkpointer thread", e))?;
    Ok((stop, handle))
}

fn err(context: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError(format!("sqlite: {context}: {e}"))
}

impl SqliteStorage {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStorage, StorageError> {
        let shown = path.display().to_string();
        let conn = Connection::open(path).map_err(|e| err(&format!("open {shown}"), e))?;
        let mode: String =
            conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(|e| err("journal_mode", e))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(err("journal_mode", format!("WAL refused ({mode})")));
        }
        conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint=0;")
            .map_err(|e| err("pragmas", e))?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(|e| err("busy_timeout", e))?;
        let version: i64 =
            conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| err("user_version", e))?;
        if version > SCHEMA_VERSION {
            return Err(err(
                "schema",
                format!("{shown} has schema version {version}, newer than this server's {SCHEMA_VERSION}"),
            ));
        }
        let mut ddl = String::from("BEGIN;");
        for t in TABLES {
            ddl.push_str(&format!(
                "CREATE TABLE IF NOT EXISTS {t} (id TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL) WITHOUT ROWID;"
            ));
        }
        ddl.push_str(&format!("PRAGMA user_version={SCHEMA_VERSION}; COMMIT;"));
        conn.execute_batch(&ddl).map_err(|e| err("create tables", e))?;
        let checkpointer = Some(spawn_checkpointer(path)?);
        Ok(SqliteStorage { conn, path: shown, in_tx: Cell::new(false), checkpointer })
    }

    /// Commits the open transaction, if any.
    pub fn commit(&self) -> Result<(), StorageError> {
        if self.in_tx.replace(false) {
            if let Err(e) = self.conn.execute_batch("COMMIT") {
                // Leave no half-open transaction behind: the next batch starts afresh.
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(err("commit", e));
            }
        }
        Ok(())
    }

    /// The stored record of one kind under `id` (for tests and tools).
    pub fn get(&self, table: &str, id: &str) -> Result<Option<String>, StorageError> {
        if !TABLES.contains(&table) {
            return Err(err("get", format!("no table {table}")));
        }
        self.conn
            .query_row(&format!("SELECT record FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
            .optional()
            .map_err(|e| err("get", e))
    }

    fn read_all<T: DeserializeOwned>(&self, table: &str) -> Result<Vec<(String, T)>, StorageError> {
        let mut stmt =
            self.conn.prepare(&format!("SELECT id, record FROM {table} ORDER BY id")).map_err(|e| err(table, e))?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(|e| err(table, e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json) = row.map_err(|e| err(table, e))?;
            let rec = serde_json::from_str(&json).map_err(|e| err(&format!("{table} record {id:?}"), e))?;
            out.push((id, rec));
        }
        Ok(out)
    }

    fn put<T: Serialize>(&self, table: &str, id: &str, record: Option<&T>) -> Result<(), StorageError> {
        match record {
            Some(r) => {
                let json = serde_json::to_string(r).map_err(|e| err(&format!("encode {table} {id:?}"), e))?;
                self.conn
                    .prepare_cached(&format!(
                        "INSERT INTO {table} (id, record) VALUES (?1, ?2) \
                         ON CONFLICT(id) DO UPDATE SET record = excluded.record"
                    ))
                    .and_then(|mut s| s.execute(params![id, json]))
                    .map_err(|e| err(&format!("write {table} {id:?}"), e))?;
            }
            None => {
                self.conn
                    .prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))
                    .and_then(|mut s| s.execute([id]))
                    .map_err(|e| err(&format!("delete {table} {id:?}"), e))?;
            }
        }
        Ok(())
    }

    fn write(&self, batch: &Batch) -> Result<(), StorageError> {
        for a in &batch.accounts {
            self.put("accounts", a.user_id.as_str(), Some(a))?;
        }
        for (id, r) in &batch.users {
            self.put("user_records", id.as_str(), r.as_ref())?;
        }
        for (id, r) in &batch.groups {
            self.put("group_records", id.as_str(), r.as_ref())?;
        }
        for (id, r) in &batch.messages {
            self.put("stored_messages", id.as_str(), r.as_ref())?;
        }
        Ok(())
    }
}

impl Storage for SqliteStorage {
    fn load(&mut self) -> Result<Snapshot, StorageError> {
        let accounts: Vec<(String, Account)> = self.read_all("accounts")?;
        Ok(Snapshot {
            accounts: accounts.into_iter().map(|(_, a)| a).collect(),
            users: self.read_all("user_records")?.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            groups: self.read_all("group_records")?.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            messages: self.read_all("stored_messages")?.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        })
    }

    fn apply(&mut self, batch: &Batch) -> Result<(), StorageError> {
        if batch.is_empty() {
            return Ok(());
        }
        if !self.in_tx.get() {
            self.conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| err("begin", e))?;
            self.in_tx.set(true);
        }
        self.conn.execute_batch("SAVEPOINT batch").map_err(|e| err("savepoint", e))?;
        match self.write(batch) {
            Ok(()) => self.conn.execute_batch("RELEASE batch").map_err(|e| err("release", e)),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK TO batch; RELEASE batch");
                Err(e)
            }
        }
    }
}

impl Drop for SqliteStorage {
    fn drop(&mut self) {
        let _ = self.commit();
        if let Some((stop, handle)) = self.checkpointer.take() {
            stop.store(true, Ordering::Relaxed);
            handle.thread().unpark();
            let _ = handle.join();
        }
        // Fold the WAL into the database before closing.
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
}
