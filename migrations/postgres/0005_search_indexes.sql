-- Search: published missions by format then place (on-site) or date (remote), so that both the
-- box around a trainer and the count of remote missions are index ranges.
CREATE INDEX missions_status_format_start ON missions(status, format, start_date);
CREATE INDEX missions_status_format_place ON missions(status, format, latitude, longitude);
DROP INDEX missions_status_latitude;
