//! Scenarios: what a user saves (the model), how a run resolves references and checks
//! assertions (the engine), what a run leaves behind (records), the graph drawn from it and
//! what each exchange changed (token diff), and one exchange run both as delegation and as
//! impersonation (compare).

pub mod assert;
pub mod compare;
pub mod data;
pub mod engine;
pub mod graph;
pub mod lab;
pub mod model;
pub mod record;
pub mod reference;
pub mod secrets;
pub mod server;
pub mod token_cache;
pub mod token_diff;

pub use assert::{ClaimPath, ToCheck, check_all, claim_paths, recheck};
pub use compare::{CompareError, CompareVariants, compare_tokens, variants};
pub use data::{DataError, read_iteration_data};
pub use engine::{Engine, Progress, RunOptions};
pub use graph::{
    ChainHop, ChainPrincipal, DelegationChain, EdgeRole, ExchangeEdge, ExchangeKind, Graph,
    PrincipalKind, RefusalNode, TokenNode,
};
pub use lab::{LabControl, LabFaults, LabFuture};
pub use model::{
    Action, Assertion, AssertionFields, ClaimCheck, Client, Collection, Environment, ExchangeStep,
    FirstGrant, GivenToken, InspectStep, IntrospectStep, LabStep, MAX_ATTEMPTS, MAX_BACKOFF_MS,
    MAX_RETRY_AFTER_MS, ProbeSubject, ProbeTarget, Retry, Scenario, Server, Step, StepFields,
    StepKind, TokenStep,
};
pub use model::{DEFAULT_CACHE_MARGIN_SECS, MAX_REPEAT_CONCURRENCY, MAX_REPEAT_TIMES, Repeat};
pub use record::{
    AssertionOutcome, AttemptRecord, CallTiming, InputRole, InputToken, RepeatStats, RunOutcome,
    RunRecord, StepRecord, StepStatus, TokenRecord, VerificationRecord, percentile,
};
pub use reference::{DataRow, ResolveError};
pub use secrets::{Chain, EnvSecrets, MapSecrets, SecretSource};
pub use server::{ResolvedServerUrls, ServerError, resolve_server};
pub use token_diff::{
    ActDiff, ClaimTextDiff, OtherClaimsDiff, SecondsDiff, TokenDiff, ValuesDiff, step_diff,
    token_diff,
};
