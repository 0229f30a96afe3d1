//! Persistence: the whole [`State`] as one JSON file, replaced atomically (write a
//! temporary file in the same directory, fsync it, rename it over the old one, fsync the
//! directory), so a crash leaves the old or the new state and never a half-written one.
//! Frequent small changes (subjects seen on every CreateSession) mark the store dirty and a
//! background task flushes them; configuration changes flush at once.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use anyhow::Context;

use super::State;

/// The state in memory plus where it lives on disk.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    state: RwLock<State>,
    dirty: AtomicBool,
    write_lock: std::sync::Mutex<()>,
}

impl Store {
    /// File name of the state inside the data directory.
    pub const FILE: &'static str = "state.json";

    /// Load `data_dir/state.json`; `None` when there is none yet.
    pub fn load(data_dir: &Path) -> anyhow::Result<Option<Store>> {
        let path = data_dir.join(Self::FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let state: State =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        if state.version != State::VERSION {
            anyhow::bail!(
                "{}: state version {} is not {}",
                path.display(),
                state.version,
                State::VERSION
            );
        }
        Ok(Some(Store::new(path, state)))
    }

    /// A store for `state` at `data_dir/state.json`, written at once.
    pub fn create(data_dir: &Path, state: State) -> anyhow::Result<Store> {
        let store = Store::new(data_dir.join(Self::FILE), state);
        store.flush()?;
        Ok(store)
    }

    fn new(path: PathBuf, state: State) -> Store {
        Store {
            path,
            state: RwLock::new(state),
            dirty: AtomicBool::new(false),
            write_lock: Default::default(),
        }
    }

    /// Read access.
    pub fn read(&self) -> RwLockReadGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every change is one
        // assignment); keep serving rather than poisoning the whole emulator.
        self.state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Change the state; `durable` writes it to disk before returning, otherwise it is
    /// flushed by the background task within a second.
    pub fn update<T>(&self, durable: bool, f: impl FnOnce(&mut State) -> T) -> anyhow::Result<T> {
        let out = {
            let mut guard: RwLockWriteGuard<'_, State> = self
                .state
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut guard)
        };
        self.dirty.store(true, Ordering::Release);
        if durable {
            self.flush()?;
        }
        Ok(out)
    }

    /// Write the state if it changed since the last write.
    pub fn flush_if_dirty(&self) -> anyhow::Result<()> {
        if self.dirty.swap(false, Ordering::AcqRel) {
            if let Err(e) = self.flush() {
                self.dirty.store(true, Ordering::Release);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Write the state now (atomically).
    pub fn flush(&self) -> anyhow::Result<()> {
        let _serial = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.dirty.store(false, Ordering::Release);
        let json = serde_json::to_vec_pretty(&*self.read()).context("serializing state")?;
        write_atomically(&self.path, &json)
    }

    /// Where the state lives.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Replace `path` with `bytes` so that readers (and a crash) see the old or the new file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique per process and call: two writers never share a temporary file.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{seq}", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        let mut file =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path).with_context(|| format!("renaming over {}", path.display()))?;
        // The rename is durable only once the directory entry is.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
