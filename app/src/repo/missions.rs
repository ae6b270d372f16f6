//! Missions: staff edition, status and rate history, search near a trainer, the daily broadcast.
