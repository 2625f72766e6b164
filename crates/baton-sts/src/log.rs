//! A bounded record of recent requests, for the CLI's and app's "what did the lab see" view.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::SystemTime;

/// How many requests are kept; older ones are dropped first.
pub const REQUEST_LOG_CAPACITY: usize = 200;

/// One request the lab answered. Holds no secrets and no tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLogEntry {
    /// Wall-clock time of the request (the real clock, even in deterministic mode).
    pub time: SystemTime,
    /// The path, e.g. `/token`.
    pub endpoint: String,
    pub grant_type: Option<String>,
    /// The client, once identified (also for a failed authentication).
    pub client_id: Option<String>,
    pub outcome: RequestOutcome,
    pub status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestOutcome {
    /// A token was issued; the value is its `issued_token_type` (or `token_type` for the
    /// grants that have none).
    Issued {
        token_type: String,
    },
    Introspected {
        active: bool,
    },
    /// Metadata or keys were served.
    Served,
    Refused {
        error: String,
        description: String,
    },
}

#[derive(Default)]
pub(crate) struct RequestLog {
    entries: Mutex<VecDeque<RequestLogEntry>>,
}

impl RequestLog {
    pub(crate) fn push(&self, entry: RequestLogEntry) {
        // A poisoned lock only means another request panicked mid-push; the queue is still sound.
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() == REQUEST_LOG_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<RequestLogEntry> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}

impl RequestLog {
    /// Puts `older` entries before the ones already here, keeping the most recent
    /// [`REQUEST_LOG_CAPACITY`].
    pub(crate) fn prepend(&self, older: Vec<RequestLogEntry>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut all: VecDeque<RequestLogEntry> = older.into();
        all.append(&mut entries);
        while all.len() > REQUEST_LOG_CAPACITY {
            all.pop_front();
        }
        *entries = all;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(i: usize) -> RequestLogEntry {
        RequestLogEntry {
            time: SystemTime::UNIX_EPOCH,
            endpoint: format!("/{i}"),
            grant_type: None,
            client_id: None,
            outcome: RequestOutcome::Served,
            status: 200,
        }
    }

    #[test]
    fn older_entries_go_first_and_the_capacity_holds() {
        let log = RequestLog::default();
        log.push(served(1000));
        log.prepend((0..REQUEST_LOG_CAPACITY).map(served).collect());
        let entries = log.snapshot();
        assert_eq!(entries.len(), REQUEST_LOG_CAPACITY);
        assert_eq!(entries[0].endpoint, "/1");
        assert_eq!(entries[REQUEST_LOG_CAPACITY - 1].endpoint, "/1000");
    }

    #[test]
    fn keeps_only_the_most_recent() {
        let log = RequestLog::default();
        for i in 0..REQUEST_LOG_CAPACITY + 5 {
            log.push(served(i));
        }
        let entries = log.snapshot();
        assert_eq!(entries.len(), REQUEST_LOG_CAPACITY);
        assert_eq!(entries[0].endpoint, "/5");
    }
}
