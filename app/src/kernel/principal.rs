//! Who acts: roles, jurisdictions and the signed-in user, with the checks every feature makes.

use serde::{Deserialize, Serialize};

/// What a user may do. Staff roles also carry an agency and a jurisdiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Citizen,
    /// Cộng tác viên Hội LHPN: collects papers at home for the commune.
    Collector,
    /// A hospital or clinic's integration account.
    HealthFacility,
    /// Công chức tư pháp – hộ tịch.
    CivilStatusOfficial,
    CommuneChairman,
    CounterOfficer,
    HotlineAgent,
    AgencyAdmin,
    ProvinceAdmin,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Citizen,
        Role::Collector,
        Role::HealthFacility,
        Role::CivilStatusOfficial,
        Role::CommuneChairman,
        Role::CounterOfficer,
        Role::HotlineAgent,
        Role::AgencyAdmin,
        Role::ProvinceAdmin,
    ];

    /// The name stored in the database (`app_user.role`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Collector => "collector",
            Role::HealthFacility => "health_facility",
            Role::CivilStatusOfficial => "civil_status_official",
            Role::CommuneChairman => "commune_chairman",
            Role::CounterOfficer => "counter_officer",
            Role::HotlineAgent => "hotline_agent",
            Role::AgencyAdmin => "agency_admin",
            Role::ProvinceAdmin => "province_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_staff(self) -> bool {
        self != Role::Citizen
    }

    /// Roles that manage reference data (calendar, offices) and read the audit log.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::AgencyAdmin | Role::ProvinceAdmin)
    }

    pub fn label(self, m: &crate::i18n::Msgs) -> &'static str {
        match self {
            Role::Citizen => m.role_citizen,
            Role::Collector => m.role_collector,
            Role::HealthFacility => m.role_health_facility,
            Role::CivilStatusOfficial => m.role_civil_status_official,
            Role::CommuneChairman => m.role_commune_chairman,
            Role::CounterOfficer => m.role_counter_officer,
            Role::HotlineAgent => m.role_hotline_agent,
            Role::AgencyAdmin => m.role_agency_admin,
            Role::ProvinceAdmin => m.role_province_admin,
        }
    }
}

/// Where a staff member may act: a whole province or one commune (2-tier government since 7/2025).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Jurisdiction {
    Province { code: String, name: String },
    Commune { code: String, name: String, province_code: String },
}

impl Jurisdiction {
    /// Whether this jurisdiction covers the commune `commune_code` of province `province_code`.
    pub fn covers_commune(&self, commune_code: &str, province_code: &str) -> bool {
        match self {
            Jurisdiction::Province { code, .. } => code == province_code,
            Jurisdiction::Commune { code, .. } => code == commune_code,
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Jurisdiction::Province { name, .. } | Jurisdiction::Commune { name, .. } => name,
        }
    }
    pub fn commune_code(&self) -> Option<&str> {
        match self {
            Jurisdiction::Commune { code, .. } => Some(code),
            Jurisdiction::Province { .. } => None,
        }
    }
}

/// The signed-in user, as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: uuid::Uuid,
    pub display_name: String,
    pub role: Role,
    pub agency_name: Option<String>,
    pub jurisdiction: Option<Jurisdiction>,
}

/// Whether a user may see the records of a commune (its dossiers, staff, offices).
/// Staff see their own commune, or every commune of their province when their jurisdiction is
/// the province. Citizens and health-facility accounts see only their own records, elsewhere.
pub fn can_view_commune_records(
    role: Role,
    jurisdiction: Option<&Jurisdiction>,
    commune_code: &str,
    province_code: &str,
) -> bool {
    match role {
        Role::Citizen | Role::HealthFacility => false,
        _ => jurisdiction.is_some_and(|j| j.covers_commune(commune_code, province_code)),
    }
}

/// Whether a user may edit the working-day calendar, which applies to the whole province.
pub fn can_manage_calendar(role: Role, jurisdiction: Option<&Jurisdiction>) -> bool {
    role == Role::ProvinceAdmin && matches!(jurisdiction, Some(Jurisdiction::Province { .. }))
}

#[cfg(feature = "ssr")]
mod server {
    use super::{Jurisdiction, Role, SessionUser, can_view_commune_records};
    use crate::kernel::error::AppError;
    use uuid::Uuid;

    /// The signed-in user with what authorization needs.
    #[derive(Debug, Clone)]
    pub struct AuthUser {
        pub user_id: Uuid,
        pub role: Role,
        pub display_name: String,
        pub agency_id: Option<Uuid>,
        pub agency_name: Option<String>,
        pub province_code: Option<String>,
        pub commune_code: Option<String>,
        pub jurisdiction: Option<Jurisdiction>,
    }

    impl AuthUser {
        pub fn session_user(&self) -> SessionUser {
            SessionUser {
                user_id: self.user_id,
                display_name: self.display_name.clone(),
                role: self.role,
                agency_name: self.agency_name.clone(),
                jurisdiction: self.jurisdiction.clone(),
            }
        }

        /// Refuses (Forbidden) unless this user may see the commune's records.
        pub fn require_commune(&self, commune_code: &str, province_code: &str) -> Result<(), AppError> {
            if can_view_commune_records(self.role, self.jurisdiction.as_ref(), commune_code, province_code) {
                Ok(())
            } else {
                tracing::info!(user_id = %self.user_id, commune_code, "refused access to another jurisdiction's records");
                Err(AppError::Forbidden)
            }
        }
    }
}
#[cfg(feature = "ssr")]
pub use server::AuthUser;
