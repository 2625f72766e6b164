//! `lab` steps under `baton run --sts`: the engine's lab control over the in-process lab.

use std::sync::Arc;

use baton_core::scenario::{LabControl, LabFaults, LabFuture};
use baton_sts::{Check, Faults, StsHandle};

pub struct StsLab(pub Arc<StsHandle>);

impl LabControl for StsLab {
    fn faults(&self) -> LabFaults {
        let f = self.0.faults();
        LabFaults {
            down: f.down,
            latency_ms: f.latency_ms,
            unavailable_retry_after: f.unavailable_retry_after,
            failure_rate: f.failure_rate,
            clock_skew_secs: f.clock_skew_secs,
        }
    }

    fn set_faults(&self, f: LabFaults) -> LabFuture<'_> {
        let faults = Faults {
            down: f.down,
            latency_ms: f.latency_ms,
            unavailable_retry_after: f.unavailable_retry_after,
            failure_rate: f.failure_rate,
            clock_skew_secs: f.clock_skew_secs,
        };
        Box::pin(async move { self.0.set_faults(faults).await.map_err(|e| e.to_string()) })
    }

    fn checks_off(&self) -> Vec<String> {
        self.0
            .checks_off()
            .iter()
            .map(|c| c.name().to_owned())
            .collect()
    }

    fn set_checks_off(&self, names: Vec<String>) -> Result<(), String> {
        let checks = names
            .iter()
            .map(|n| {
                Check::from_name(n).ok_or_else(|| {
                    let known: Vec<&str> = Check::ALL.iter().map(|c| c.name()).collect();
                    format!(
                        "the lab has no check {n:?} (its checks: {})",
                        known.join(", ")
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.0.set_checks_off(checks);
        Ok(())
    }
}
