//! Why a business rule refused a change (`AppError::Conflict`), one closed set per feature, so a
//! rule without a translation does not compile (each locale's texts match every variant). On the
//! wire a conflict is its key (`"slot_full"`), the same string the API documents as `reason`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! keyed {
    ($(#[$meta:meta])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $key:literal ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $( $(#[$vmeta])* $variant ),* }

        impl $name {
            pub const ALL: &[Self] = &[$(Self::$variant),*];

            pub fn key(self) -> &'static str {
                match self { $(Self::$variant => $key),* }
            }
        }
    };
}

keyed!(
    /// Booking, check-in and the counter.
    QueueConflict {
        SlotFull = "slot_full",
        SlotClosedDay = "slot_closed_day",
        SlotNotOffered = "slot_not_offered",
        SlotPast = "slot_past",
        SlotTooSoon = "slot_too_soon",
        SlotTooFar = "slot_too_far",
        BookingDuplicateDay = "booking_duplicate_day",
        BookingNotActive = "booking_not_active",
        BookingUnknown = "booking_unknown",
        BookingCancelled = "booking_cancelled",
        BookingUsed = "booking_used",
        CheckinOtherDay = "checkin_other_day",
        CheckinWrongOffice = "checkin_wrong_office",
        CounterOtherOffice = "counter_other_office",
        /// The counter's called ticket has not been started yet.
        CounterBusy = "counter_busy",
        ProcedureNotOffered = "procedure_not_offered",
        TicketState = "ticket_state",
    }
);

keyed!(
    /// Ratings, feedback cases and criteria.
    EvaluationConflict {
        RatingUsed = "rating_used",
        RatingExpired = "rating_expired",
        /// An official cannot rate a service they gave.
        RatingOwnWork = "rating_own_work",
        CaseState = "case_state",
        CriteriaDuplicate = "criteria_duplicate",
    }
);

keyed!(
    /// Dossiers, from intake to handover, and the hospitals' notices.
    CivilConflict {
        DossierRefused = "dossier_refused",
        DossierWrongState = "dossier_wrong_state",
        DuplicateUnchecked = "duplicate_unchecked",
        AlreadyRegistered = "already_registered",
        ChildNameMissing = "child_name_missing",
        MotherUnknown = "mother_unknown",
        CertificateOtherFacility = "certificate_other_facility",
        NotAHealthFacility = "not_a_health_facility",
        TaskTaken = "task_taken",
    }
);

keyed!(
    HotlineConflict {
        /// Only an answered call is wrapped up or becomes a case.
        CallNotAnswered = "call_not_answered",
        /// The call was wrapped up by another agent.
        CallTaken = "call_taken",
        ExtensionTaken = "extension_taken",
        /// Only a missed inbound call is called back.
        CallNotMissed = "call_not_missed",
        /// No office answers cases for this procedure and place.
        NoRoute = "case_no_route",
    }
);

/// Every business rule's refusal, by the feature that owns the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Queue(QueueConflict),
    Hotline(HotlineConflict),
    Evaluation(EvaluationConflict),
    Civil(CivilConflict),
    /// A civil-registration rule about the people on a dossier (under age, already married, …).
    Refused(Refusal),
    /// A one-time sign-in code that is wrong or used.
    BadCode,
    /// The calendar has that day already.
    CalendarDuplicate,
}

impl Conflict {
    pub fn key(self) -> &'static str {
        match self {
            Self::Queue(c) => c.key(),
            Self::Evaluation(c) => c.key(),
            Self::Civil(c) => c.key(),
            Self::Hotline(c) => c.key(),
            Self::Refused(r) => r.key(),
            Self::BadCode => "bad_code",
            Self::CalendarDuplicate => "calendar_duplicate",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        let all = QueueConflict::ALL
            .iter()
            .map(|c| Self::Queue(*c))
            .chain(EvaluationConflict::ALL.iter().map(|c| Self::Evaluation(*c)))
            .chain(CivilConflict::ALL.iter().map(|c| Self::Civil(*c)))
            .chain(HotlineConflict::ALL.iter().map(|c| Self::Hotline(*c)))
            .chain(Refusal::ALL.iter().map(|r| Self::Refused(*r)))
            .chain([Self::BadCode, Self::CalendarDuplicate]);
        all.into_iter().find(|c| c.key() == key)
    }
}

macro_rules! into_conflict {
    ($($t:ident => $v:ident),*) => {$(
        impl From<$t> for Conflict {
            fn from(c: $t) -> Self {
                Self::$v(c)
            }
        }
    )*};
}
into_conflict!(QueueConflict => Queue, EvaluationConflict => Evaluation, CivilConflict => Civil, HotlineConflict => Hotline, Refusal => Refused);

impl Serialize for Conflict {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Conflict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        Self::from_key(&key).ok_or_else(|| serde::de::Error::custom(format!("unknown conflict {key}")))
    }
}

/// Why a dossier cannot be registered as it stands; shown with the reason, next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    BirthInFuture,
    DeathInFuture,
    DeathBeforeBirth,
    /// The person is already recorded as dead: a death is registered once.
    AlreadyDead,
    /// Under the marriage age on the registration day (men 20, women 18: Luật HN&GĐ Đ.8).
    UnderAge(crate::kernel::person::Sex),
    /// Already married according to the registry.
    AlreadyMarried(crate::kernel::person::Sex),
    /// Neither party lives in the commune that would register the marriage.
    NotResident,
    /// Both parties have the same sex (the law recognises marriage between a man and a woman).
    SameSex,
    /// The registry does not know this number.
    PersonUnknown,
    /// The person's sex does not fit their place on the form (mother, wife, …).
    WrongSex,
}

impl Refusal {
    pub const ALL: &[Self] = &[
        Refusal::BirthInFuture,
        Refusal::DeathInFuture,
        Refusal::DeathBeforeBirth,
        Refusal::AlreadyDead,
        Refusal::UnderAge(crate::kernel::person::Sex::Male),
        Refusal::UnderAge(crate::kernel::person::Sex::Female),
        Refusal::AlreadyMarried(crate::kernel::person::Sex::Male),
        Refusal::AlreadyMarried(crate::kernel::person::Sex::Female),
        Refusal::NotResident,
        Refusal::SameSex,
        Refusal::PersonUnknown,
        Refusal::WrongSex,
    ];

    /// Its key on the wire (a conflict's `reason`, a field's `code`).
    pub fn key(self) -> &'static str {
        match self {
            Refusal::BirthInFuture => "birth_in_future",
            Refusal::DeathInFuture => "death_in_future",
            Refusal::DeathBeforeBirth => "death_before_birth",
            Refusal::AlreadyDead => "already_dead",
            Refusal::UnderAge(crate::kernel::person::Sex::Male) => "under_age_male",
            Refusal::UnderAge(crate::kernel::person::Sex::Female) => "under_age_female",
            Refusal::AlreadyMarried(crate::kernel::person::Sex::Male) => "already_married_male",
            Refusal::AlreadyMarried(crate::kernel::person::Sex::Female) => "already_married_female",
            Refusal::NotResident => "not_resident",
            Refusal::SameSex => "same_sex",
            Refusal::PersonUnknown => "person_unknown",
            Refusal::WrongSex => "wrong_sex",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_conflict_has_its_own_key_and_travels_as_it() {
        let mut keys = std::collections::HashSet::new();
        for key in QueueConflict::ALL
            .iter()
            .map(|c| c.key())
            .chain(EvaluationConflict::ALL.iter().map(|c| c.key()))
            .chain(CivilConflict::ALL.iter().map(|c| c.key()))
            .chain(Refusal::ALL.iter().map(|r| r.key()))
        {
            assert!(keys.insert(key), "{key} twice");
            let c = Conflict::from_key(key).unwrap();
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{key}\""));
            assert_eq!(serde_json::from_str::<Conflict>(&json).unwrap(), c);
        }
        assert!(serde_json::from_str::<Conflict>("\"no_such_rule\"").is_err());
    }
}
