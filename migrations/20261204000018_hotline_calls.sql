-- The province hotline's telephone exchanges and the calls they report through webhooks.
create table pbx_exchange (
    exchange_id uuid primary key default gen_random_uuid(),
    name text not null,
    vendor text not null constraint pbx_exchange_vendor check (vendor in ('generic', 'stringee', 'omicall')),
    -- The HMAC-SHA-256 key the exchange signs its webhooks with: checking a signature needs the
    -- key itself, so it is kept (and shown once, when the exchange is registered).
    secret text not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);

-- One call as the exchange reported it, whatever order its events came in.
create table call (
    call_id uuid primary key default gen_random_uuid(),
    exchange_id uuid not null references pbx_exchange,
    external_id text not null,
    direction text not null constraint call_direction check (direction in ('in', 'out')),
    caller text not null default '',
    callee text not null default '',
    queue text,
    -- The extension handling the call and the time it took it (answer or transfer): a late
    -- report of an earlier answer does not take the call back from the agent it went to.
    extension text,
    extension_at timestamptz,
    ringing_at timestamptz,
    answered_at timestamptz,
    ended_at timestamptz,
    end_cause text,
    recording_url text,
    ivr_choice text,
    survey_digits text,
    constraint call_external unique (exchange_id, external_id)
);
create index call_started_idx on call (coalesce(ringing_at, answered_at, ended_at) desc);
create index call_caller_idx on call (caller);

-- Every event once: an exchange retrying a webhook sends the same event again. Transfers and
-- IVR digits can repeat within a call, so their key includes where and when.
create table call_event (
    call_id uuid not null references call on delete cascade,
    kind text not null constraint call_event_kind
        check (kind in ('ringing', 'answered', 'transferred', 'ended', 'recording', 'ivr', 'survey')),
    dedupe text not null,
    occurred_at timestamptz not null,
    payload jsonb not null,
    received_at timestamptz not null default now(),
    primary key (call_id, kind, dedupe)
);
