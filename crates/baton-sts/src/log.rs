//! A bounded record of recent requests, for the CLI's and app's "what did the lab see" view.
//! Bounded by count and by bytes: every string an entry keeps is cut to
//! [`LOG_FIELD_MAX_CHARS`], so a request with a huge field costs the log a few hundred bytes.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::SystemTime;

use crate::text::clip_owned;

/// How many requests are kept; older ones are dropped first.
pub const REQUEST_LOG_CAPACITY: usize = 200;

/// The most characters the log keeps of any one field (client id, grant type, description…);
/// a longer value is cut and ends with "…".
pub const LOG_FIELD_MAX_CHARS: usize = 200;

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

impl RequestLogEntry {
    /// The entry with every string cut to [`LOG_FIELD_MAX_CHARS`].
    fn clipped(self) -> RequestLogEntry {
        let clip = |s: String| clip_owned(s, LOG_FIELD_MAX_CHARS);
        RequestLogEntry {
            time: self.time,
            endpoint: clip(self.endpoint),
            grant_type: self.grant_type.map(clip),
            client_id: self.client_id.map(clip),
            outcome: match self.outcome {
                RequestOutcome::Issued { token_type } => RequestOutcome::Issued {
                    token_type: clip(token_type),
                },
                RequestOutcome::Refused { error, description } => RequestOutcome::Refused {
                    error: clip(error),
                    description: clip(description),
                },
                other @ (RequestOutcome::Introspected { .. } | RequestOutcome::Served) => other,
            },
            status: self.status,
        }
    }
}

#[derive(Default)]
pub(crate) struct RequestLog {
    entries: Mutex<VecDeque<RequestLogEntry>>,
}

impl RequestLog {
    pub(crate) fn push(&self, entry: RequestLogEntry) {
        let entry = entry.clipped();
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
        let mut all: VecDeque<RequestLogEntry> =
            older.into_iter().map(RequestLogEntry::clipped).collect();
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
    fn long_fields_are_cut_so_the_log_stays_small() {
        let log = RequestLog::default();
        let huge = "é".repeat(100_000);
        for _ in 0..REQUEST_LOG_CAPACITY + 10 {
            log.push(RequestLogEntry {
                time: SystemTime::UNIX_EPOCH,
                endpoint: huge.clone(),
                grant_type: Some(huge.clone()),
                client_id: Some(huge.clone()),
                outcome: RequestOutcome::Refused {
                    error: "invalid_client".to_owned(),
                    description: format!("unknown client {huge:?}"),
                },
                status: 401,
            });
        }
        let entries = log.snapshot();
        assert_eq!(entries.len(), REQUEST_LOG_CAPACITY);
        let mut bytes = 0;
        for e in &entries {
            let client_id = e.client_id.as_deref().unwrap_or_default();
            assert_eq!(client_id.chars().count(), LOG_FIELD_MAX_CHARS + 1);
            assert!(client_id.ends_with('…'));
            let RequestOutcome::Refused { error, description } = &e.outcome else {
                panic!("{e:?}");
            };
            assert_eq!(error, "invalid_client");
            assert!(description.starts_with("unknown client \"éé"));
            bytes += e.endpoint.len() + client_id.len() + description.len();
            bytes += e.grant_type.as_deref().map_or(0, str::len);
        }
        // 200 entries of four 201-character fields of 2-byte characters: about 320 KB, not 80 MB.
        assert!(bytes < 400 * 1024, "{bytes}");
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
