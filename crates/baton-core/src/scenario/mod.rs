//! Scenarios: what a user saves (the model), how a run resolves references and checks
//! assertions (the engine), what a run leaves behind (records) and the graph drawn from it.

pub mod assert;
pub mod engine;
pub mod graph;
pub mod model;
pub mod record;
pub mod reference;
pub mod secrets;

pub use engine::{Engine, Progress, RunOptions};
pub use graph::{EdgeRole, ExchangeEdge, ExchangeKind, Graph, TokenNode};
pub use model::{
    Action, Assertion, ClaimCheck, Client, Collection, Environment, ExchangeStep, FirstGrant,
    InspectStep, IntrospectStep, Scenario, Server, Step, StepKind, TokenStep,
};
pub use record::{
    AssertionOutcome, InputRole, InputToken, RunOutcome, RunRecord, StepRecord, StepStatus,
    TokenRecord, VerificationRecord,
};
pub use reference::ResolveError;
pub use secrets::{Chain, EnvSecrets, MapSecrets, SecretSource};
