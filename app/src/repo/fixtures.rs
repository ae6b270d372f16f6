//! Demo data and the scale generator's bulk inserts (used by the server's CLI, never by pages).
