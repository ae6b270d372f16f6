-- Only paperwork staff verified counts for eligibility. Each part keeps the values staff last
-- verified (copied when staff validate the profile); a value the trainer enters or changes waits
-- for verification while the previously verified one keeps counting.
ALTER TABLE trainer_profiles ADD COLUMN verified_nda TEXT;
ALTER TABLE trainer_profiles ADD COLUMN verified_qualiopi_valid_from TEXT;
ALTER TABLE trainer_profiles ADD COLUMN verified_qualiopi_valid_until TEXT;
ALTER TABLE trainer_profiles ADD COLUMN verified_micro_social INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trainer_profiles ADD COLUMN verified_yearly_turnover_cents INTEGER;
-- The micro-social regime and the declared turnover are verified like the NDA and the
-- certificate: 'none', 'pending', 'verified'.
ALTER TABLE trainer_profiles ADD COLUMN turnover_check TEXT NOT NULL DEFAULT 'none';

-- Backfill: what is verified today is the verified value.
UPDATE trainer_profiles SET verified_nda = nda WHERE nda_check = 'verified';
UPDATE trainer_profiles SET verified_qualiopi_valid_from = qualiopi_valid_from,
    verified_qualiopi_valid_until = qualiopi_valid_until
    WHERE qualiopi_check = 'verified';
-- The turnover had no check of its own: staff verified it with the profile, so a validated
-- profile's current declaration is taken as verified.
UPDATE trainer_profiles SET turnover_check = 'verified', verified_micro_social = micro_social,
    verified_yearly_turnover_cents = yearly_turnover_cents
    WHERE status = 'valide' AND (micro_social OR yearly_turnover_cents IS NOT NULL);
