//! `lab` steps in the app: the engine's lab control over the lab running now (a policy change
//! replaces it, so each call reads the current one).

use baton_core::scenario::{LabControl, LabFaults, LabFuture};
use baton_sts::{Check, Faults};

use crate::state::SharedLab;

pub struct AppLab(pub SharedLab);

impl AppLab {
    fn lab(&self) -> std::sync::Arc<baton_sts::StsHandle> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl LabControl for AppLab {
    fn faults(&self) -> LabFaults {
        let f = self.lab().faults();
        LabFaults {
            down: f.down,
            latency_ms: f.latency_ms,
            unavailable_retry_after: f.unavailable_retry_after,
            failure_rate: f.failure_rate,
            clock_skew_secs: f.clock_skew_secs,
        }
    }

    fn set_faults(&self, f: LabFaults) -> LabFuture<'_> {
        let lab = self.lab();
        Box::pin(async move {
            lab.set_faults(Faults {
                down: f.down,
                latency_ms: f.latency_ms,
                unavailable_retry_after: f.unavailable_retry_after,
                failure_rate: f.failure_rate,
                clock_skew_secs: f.clock_skew_secs,
            })
            .await
            .map_err(|e| e.to_string())
        })
    }

    fn checks_off(&self) -> Vec<String> {
        self.lab()
            .checks_off()
            .iter()
            .map(|c| c.name().to_owned())
            .collect()
    }

    fn set_checks_off(&self, names: Vec<String>) -> Result<(), String> {
        let checks = names
            .iter()
            .map(|n| Check::from_name(n).ok_or_else(|| format!("the lab has no check {n:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        self.lab().set_checks_off(checks);
        Ok(())
    }
}
