-- Office set-up, bookings, queue tickets and the devices of existing queue systems.

-- How an office takes bookings and runs its queue.
create table office_queue_config (
    office_id uuid primary key references office,
    slot_minutes smallint not null default 30 constraint oqc_slot check (slot_minutes between 5 and 240),
    -- How far ahead a citizen may book, and how late (minimum notice before the slot starts).
    horizon_days smallint not null default 14 constraint oqc_horizon check (horizon_days between 1 and 90),
    min_notice_minutes integer not null default 60 constraint oqc_notice check (min_notice_minutes between 0 and 10080),
    -- Check-in window around the slot start.
    checkin_before_minutes smallint not null default 30 constraint oqc_before check (checkin_before_minutes between 0 and 240),
    checkin_after_minutes smallint not null default 15 constraint oqc_after check (checkin_after_minutes between 0 and 240),
    -- Priority rule: after this many ordinary calls a waiting priority ticket is called; 0 = always first.
    priority_every smallint not null default 2 constraint oqc_priority check (priority_every between 0 and 20),
    booking_enabled boolean not null default true,
    updated_at timestamptz not null default now()
);
select trigger_updated_at('office_queue_config');

-- Opening sessions per ISO weekday (1 = Monday); several per day (morning, afternoon).
-- Make-up working days on a rest weekday use the hours of Monday.
create table office_hours (
    office_id uuid not null references office,
    weekday smallint not null constraint office_hours_weekday check (weekday between 1 and 7),
    opens time not null,
    closes time not null,
    primary key (office_id, weekday, opens),
    constraint office_hours_order check (opens < closes)
);

-- Ticket prefixes: one per service group of an office (A = civil status, B = land…).
create table service_group (
    service_group_id uuid primary key default gen_random_uuid(),
    office_id uuid not null references office,
    prefix text not null constraint service_group_prefix check (prefix ~ '^[A-Z]$'),
    name text not null,
    constraint service_group_office_prefix_key unique (office_id, prefix)
);

-- The procedures an office receives, their group and how many bookings one slot takes.
create table office_procedure (
    office_id uuid not null references office,
    procedure_code text not null references procedure,
    service_group_id uuid not null references service_group,
    capacity_per_slot smallint not null default 2 constraint office_procedure_capacity check (capacity_per_slot between 0 and 100),
    primary key (office_id, procedure_code)
);

-- Which procedures each counter serves.
create table counter_procedure (
    counter_id uuid not null references counter on delete cascade,
    procedure_code text not null references procedure,
    primary key (counter_id, procedure_code)
);

-- Places taken per slot. Capacity is enforced by a conditional update of this row
-- (`booked < capacity`), which serialises concurrent bookings of the same slot.
create table booking_slot (
    office_id uuid not null references office,
    procedure_code text not null references procedure,
    starts_at timestamptz not null,
    booked integer not null default 0 constraint booking_slot_nonneg check (booked >= 0),
    primary key (office_id, procedure_code, starts_at)
);

create table booking (
    booking_id uuid primary key default gen_random_uuid(),
    -- What the citizen shows or types at the kiosk; also in the QR code.
    code text not null constraint booking_code_key unique,
    office_id uuid not null references office,
    procedure_code text not null references procedure,
    starts_at timestamptz not null,
    -- The slot's date in Vietnam, for the one-booking-per-procedure-and-day rule.
    local_day date not null,
    citizen_name text not null,
    phone text not null,
    user_id uuid references app_user,
    -- Staff who booked on the citizen's behalf (hotline, counter).
    booked_by uuid references app_user,
    channel text not null constraint booking_channel check (channel in ('online', 'hotline', 'counter')),
    status text not null default 'booked' constraint booking_status check (status in ('booked', 'checked_in', 'cancelled')),
    -- Sent with the form; a retried or double-submitted request finds the first booking.
    idempotency_key uuid not null constraint booking_idempotency_key unique,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    cancelled_at timestamptz,
    checked_in_at timestamptz
);
select trigger_updated_at('booking');
create unique index booking_one_per_day on booking (phone, procedure_code, local_day) where status <> 'cancelled';
create index booking_user_idx on booking (user_id, starts_at desc);
create index booking_phone_idx on booking (phone, starts_at desc);
create index booking_office_day_idx on booking (office_id, local_day);

-- Last ticket number per office, day and prefix: numbers have no gaps or duplicates.
create table ticket_sequence (
    office_id uuid not null references office,
    service_day date not null,
    prefix text not null,
    last_number integer not null,
    primary key (office_id, service_day, prefix)
);

-- Per office and day: ordinary calls since the last priority call (the priority rule's counter).
-- Its row lock also serialises call-next within an office.
create table queue_state (
    office_id uuid not null references office,
    service_day date not null,
    ordinary_since_priority integer not null default 0,
    primary key (office_id, service_day)
);

-- Devices of an installed queue system, authenticated by an API key (only its hash is kept).
create table queue_device (
    device_id uuid primary key default gen_random_uuid(),
    office_id uuid not null references office,
    name text not null,
    key_hash text not null constraint queue_device_key_hash_key unique,
    active boolean not null default true,
    created_by uuid references app_user,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz
);

create table ticket (
    ticket_id uuid primary key default gen_random_uuid(),
    office_id uuid not null references office,
    service_day date not null,
    prefix text not null,
    number integer not null,
    procedure_code text not null references procedure,
    booking_id uuid constraint ticket_booking_key unique references booking,
    -- The booked slot start, when checked in inside the window.
    slot_starts_at timestamptz,
    priority text constraint ticket_priority check (priority in ('elderly', 'disabled', 'pregnant', 'small_child')),
    source text not null constraint ticket_source check (source in ('kiosk', 'booking', 'staff', 'device')),
    device_id uuid references queue_device,
    status text not null default 'waiting'
        constraint ticket_status check (status in ('waiting', 'called', 'serving', 'done', 'no_show')),
    -- Transferred tickets wait for one counter only, ahead of the others.
    assigned_counter_id uuid references counter,
    requeued_at timestamptz,
    issued_at timestamptz not null default now(),
    called_at timestamptz,
    last_called_at timestamptz,
    call_count smallint not null default 0,
    -- First start of service; a transferred ticket is served in legs whose time adds up.
    service_started_at timestamptz,
    leg_started_at timestamptz,
    service_seconds integer not null default 0,
    finished_at timestamptz,
    -- The counter and officer dealing with it now (or last).
    counter_id uuid references counter,
    officer_id uuid references app_user,
    -- Who made the first call: the waiting time is theirs.
    called_counter_id uuid references counter,
    called_officer_id uuid references app_user,
    dossier_code text,
    -- Lets the citizen's phone follow the ticket without an account.
    public_token text not null constraint ticket_public_token_key unique,
    constraint ticket_office_day_number_key unique (office_id, service_day, prefix, number)
);
create index ticket_waiting_idx on ticket (office_id, service_day) where status = 'waiting';
create index ticket_office_day_idx on ticket (office_id, service_day, called_at);
create index ticket_officer_idx on ticket (officer_id, service_day);

-- Every step of a ticket, for the process log and the measurements.
create table ticket_event (
    ticket_event_id bigint generated always as identity primary key,
    ticket_id uuid not null references ticket,
    kind text not null constraint ticket_event_kind check (kind in (
        'issued', 'called', 'recalled', 'started', 'finished', 'no_show', 'transferred')),
    at timestamptz not null default now(),
    counter_id uuid references counter,
    officer_id uuid references app_user,
    device_id uuid references queue_device,
    detail jsonb not null default '{}'
);
create index ticket_event_ticket_idx on ticket_event (ticket_id, at);

-- Notifications that belong to something (a booking's reminder) can be withdrawn.
alter table notification add column subject_ref text;
alter table notification drop constraint notification_status;
alter table notification add constraint notification_status check (status in ('pending', 'sent', 'failed', 'withdrawn'));
create index notification_subject_ref_idx on notification (subject_ref) where subject_ref is not null;
