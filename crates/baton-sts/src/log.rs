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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_most_recent() {
        let log = RequestLog::default();
        for i in 0..REQUEST_LOG_CAPACITY + 5 {
            log.push(RequestLogEntry {
                time: SystemTime::UNIX_EPOCH,
                endpoint: format!("/{i}"),
                grant_type: None,
                client_id: None,
                outcome: RequestOutcome::Served,
                status: 200,
            });
        }
        let entries = log.snapshot();
        assert_eq!(entries.len(), REQUEST_LOG_CAPACITY);
        assert_eq!(entries[0].endpoint, "/5");
    }
}
