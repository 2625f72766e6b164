pub mod demo;
pub mod exchange;
pub mod inspect;
pub mod send;
pub mod sts;
pub mod token;
