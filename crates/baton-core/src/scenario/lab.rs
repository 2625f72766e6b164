//! Changing Baton's own lab from a scenario (a `lab` step): faults that show an outage, and
//! checks switched off for an attack demo. The engine reaches the lab through [`LabControl`],
//! which the app and `baton run --sts` implement over the running lab; core knows nothing of it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::scenario::model::LabStep;

/// The lab's faults, as the engine sees them (the lab's own `Faults`, field for field).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabFaults {
    pub down: bool,
    pub latency_ms: u64,
    pub unavailable_retry_after: Option<u64>,
    pub failure_rate: f64,
    pub clock_skew_secs: i64,
}

/// What [`LabControl::set_faults`] returns: `Box::pin(async move { … })`.
pub type LabFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// The running lab a `lab` step changes.
pub trait LabControl: Send + Sync {
    fn faults(&self) -> LabFaults;
    /// Puts `faults` in force; an error says which value the lab refused.
    fn set_faults(&self, faults: LabFaults) -> LabFuture<'_>;
    /// The checks switched off on top of the lab's policy, by their `[checks]` names.
    fn checks_off(&self) -> Vec<String>;
    /// Replaces the checks switched off; an unknown name is an error naming it.
    fn set_checks_off(&self, checks: Vec<String>) -> Result<(), String>;
}

/// What a lab looked like before a scenario changed it: what is put back when it ends.
#[derive(Debug, Clone)]
pub(crate) struct LabState {
    faults: LabFaults,
    checks_off: Vec<String>,
}

impl LabState {
    pub(crate) fn of(control: &dyn LabControl) -> LabState {
        LabState {
            faults: control.faults(),
            checks_off: control.checks_off(),
        }
    }

    pub(crate) async fn restore(self, control: &dyn LabControl) -> Result<(), String> {
        let checks = control.set_checks_off(self.checks_off);
        control.set_faults(self.faults).await?;
        checks
    }
}

/// Puts the lab back as it was when dropped without [`LabGuard::restore`] (a run cancelled
/// mid-way), on the async runtime if there is one.
pub(crate) struct LabGuard {
    control: Arc<dyn LabControl>,
    before: Option<LabState>,
}

impl LabGuard {
    pub(crate) fn new(control: Arc<dyn LabControl>) -> LabGuard {
        let before = Some(LabState::of(control.as_ref()));
        LabGuard { control, before }
    }

    pub(crate) async fn restore(mut self) -> Result<(), String> {
        match self.before.take() {
            Some(state) => state.restore(self.control.as_ref()).await,
            None => Ok(()),
        }
    }
}

impl Drop for LabGuard {
    fn drop(&mut self) {
        if let Some(state) = self.before.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let control = self.control.clone();
            runtime.spawn(async move {
                let _ = state.restore(control.as_ref()).await;
            });
        }
    }
}

/// Applies a `lab` step and says what changed, in words.
pub(crate) async fn apply(control: &dyn LabControl, step: &LabStep) -> Result<Vec<String>, String> {
    let before_faults = control.faults();
    let before_checks = control.checks_off();
    let mut faults = if step.clear {
        LabFaults::default()
    } else {
        before_faults.clone()
    };
    if let Some(down) = step.down {
        faults.down = down;
    }
    if let Some(ms) = step.latency_ms {
        faults.latency_ms = ms;
    }
    if let Some(secs) = step.unavailable_retry_after {
        faults.unavailable_retry_after = Some(secs);
    }
    if let Some(rate) = step.failure_rate {
        faults.failure_rate = rate;
    }
    if let Some(skew) = step.clock_skew_secs {
        faults.clock_skew_secs = skew;
    }
    let checks = if !step.checks_off.is_empty() {
        step.checks_off.clone()
    } else if step.clear {
        Vec::new()
    } else {
        before_checks.clone()
    };
    if checks != before_checks {
        control.set_checks_off(checks.clone())?;
    }
    control
        .set_faults(faults.clone())
        .await
        .map_err(|e| format!("the lab refused the change: {e}"))?;
    let mut changes = describe(&before_faults, &faults);
    if checks != before_checks {
        changes.push(if checks.is_empty() {
            "checks: all back as the policy has them".to_owned()
        } else {
            format!("checks switched off: {}", checks.join(", "))
        });
    }
    if changes.is_empty() {
        changes.push("nothing changed: the lab was already so".to_owned());
    }
    Ok(changes)
}

/// Each fault that differs between `before` and `after`, in words.
fn describe(before: &LabFaults, after: &LabFaults) -> Vec<String> {
    let mut out = Vec::new();
    if before.down != after.down {
        out.push(if after.down {
            "down: connections are refused".to_owned()
        } else {
            "up: connections are accepted again".to_owned()
        });
    }
    if before.latency_ms != after.latency_ms {
        out.push(match after.latency_ms {
            0 => "latency: none".to_owned(),
            ms => format!("slow: {ms} ms before every answer"),
        });
    }
    if before.unavailable_retry_after != after.unavailable_retry_after {
        out.push(match after.unavailable_retry_after {
            Some(secs) => format!("unavailable: every request gets 503 with Retry-After: {secs}"),
            None => "available again: no more 503 for every request".to_owned(),
        });
    }
    if before.failure_rate != after.failure_rate {
        out.push(if after.failure_rate > 0.0 {
            format!(
                "flaky: {:.0}% of requests get 503",
                after.failure_rate * 100.0
            )
        } else {
            "flaky: no longer".to_owned()
        });
    }
    if before.clock_skew_secs != after.clock_skew_secs {
        out.push(match after.clock_skew_secs {
            0 => "clock: on time again".to_owned(),
            s if s > 0 => format!("clock skew: the lab's clock runs {s} s ahead"),
            s => format!(
                "clock skew: the lab's clock runs {} s behind",
                s.unsigned_abs()
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_in_words() {
        let before = LabFaults::default();
        let after = LabFaults {
            down: true,
            clock_skew_secs: -30,
            ..LabFaults::default()
        };
        assert_eq!(
            describe(&before, &after),
            [
                "down: connections are refused",
                "clock skew: the lab's clock runs 30 s behind"
            ]
        );
        assert_eq!(
            describe(&after, &before),
            ["up: connections are accepted again", "clock: on time again"]
        );
    }
}
