-- Login throttling holds under concurrency: an attempt takes its place (succeeded is null) under
-- a lock on its key before the password is checked, and a pending attempt counts as a failure.
alter table login_attempt alter column succeeded drop not null;

-- Refused attempts on personal data are audited like granted ones (who, what, from where).
create index if not exists login_attempt_pending_idx on login_attempt (key, at desc) where succeeded is not true;
