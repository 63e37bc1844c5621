-- Users, sessions, login throttling, one-time codes, the notification outbox and the audit log.

create table app_user (
    user_id uuid primary key default gen_random_uuid(),
    role text not null constraint app_user_role check (role in (
        'citizen', 'collector', 'health_facility', 'civil_status_official', 'commune_chairman',
        'counter_officer', 'hotline_agent', 'agency_admin', 'province_admin')),
    display_name text not null,
    -- Staff log in with username + password (argon2id PHC string); citizens with phone + code.
    username text constraint app_user_username_key unique,
    password_hash text,
    phone text constraint app_user_phone_key unique,
    agency_id uuid references agency,
    jurisdiction_province_code text references province,
    -- Null = the whole province.
    jurisdiction_commune_code text references commune,
    active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint app_user_login_kind check (
        (role = 'citizen' and phone is not null and username is null and password_hash is null)
        or (role <> 'citizen' and username is not null and password_hash like '$argon2%'
            and agency_id is not null and jurisdiction_province_code is not null))
);
select trigger_updated_at('app_user');

-- Only a hash of the cookie token is stored, so a leaked table cannot be replayed.
create table user_session (
    session_hash text primary key,
    user_id uuid not null references app_user on delete cascade,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    ip inet,
    user_agent text
);
create index user_session_user_idx on user_session (user_id);
create index user_session_expires_idx on user_session (expires_at);

-- Failed and successful logins, per key ('user:<name>', 'phone:<number>', 'ip:<addr>'), for throttling.
create table login_attempt (
    attempt_id bigint generated always as identity primary key,
    key text not null,
    succeeded boolean not null,
    at timestamptz not null default now()
);
create index login_attempt_key_at_idx on login_attempt (key, at desc);

create table otp_challenge (
    challenge_id uuid primary key default gen_random_uuid(),
    phone text not null,
    code_hash text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    attempts smallint not null default 0,
    consumed_at timestamptz,
    ip inet
);
create index otp_challenge_phone_idx on otp_challenge (phone, created_at desc);

-- Outbox: a message is written in the same transaction as the change that causes it and
-- delivered afterwards by any server instance (rows are claimed with SKIP LOCKED).
create table notification (
    notification_id uuid primary key default gen_random_uuid(),
    channel text not null constraint notification_channel check (channel in ('sms', 'zalo', 'email')),
    recipient text not null,
    subject text not null default '',
    body text not null,
    status text not null default 'pending' constraint notification_status check (status in ('pending', 'sent', 'failed')),
    attempts smallint not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    provider_message_id text,
    created_at timestamptz not null default now(),
    sent_at timestamptz
);
create index notification_pending_idx on notification (next_attempt_at) where status = 'pending';

-- What the local (development) adapter "delivered": a developer reads OTP codes here.
create table local_message (
    local_message_id bigint generated always as identity primary key,
    notification_id uuid not null references notification,
    channel text not null,
    recipient text not null,
    subject text not null,
    body text not null,
    delivered_at timestamptz not null default now()
);

-- Append-only record of who did what to which record, when and from where.
create table audit_event (
    audit_id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    actor_user_id uuid references app_user,
    actor_role text,
    action text not null,
    entity_type text not null,
    entity_id text,
    -- Where the record belongs, so administrators see only their jurisdiction's events.
    province_code text,
    commune_code text,
    ip inet,
    user_agent text,
    details jsonb not null default '{}'
);
create index audit_event_at_idx on audit_event (at desc);
create index audit_event_entity_idx on audit_event (entity_type, entity_id);

create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only' using errcode = 'insufficient_privilege';
end $$;
create trigger audit_event_no_update before update or delete on audit_event
    for each row execute function audit_event_is_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_is_append_only();
