//! The audit log: who decided or opened what, and when.
