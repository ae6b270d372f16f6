//! Trainer profiles: identity, background, administrative situation, review decisions.
