//! The organisation: agencies, their offices and communes, and who may act where.

use crate::kernel::principal::Role;
use serde::{Deserialize, Serialize};

/// What a user may do at an office, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OfficeAccess {
    None,
    /// Hotline agents of the province: book on a citizen's behalf.
    BookOnBehalf,
    /// Counter officers of the office's agency: kiosk, check-in, counter console (and booking).
    Operate,
    /// The agency's administrator and the province administrator: set-up and figures too.
    Manage,
}

/// Access by role and jurisdiction: agency staff at their agency's offices, province-wide
/// roles at any office of their province.
pub fn office_access(
    role: Role,
    user_agency: Option<uuid::Uuid>,
    user_province: Option<&str>,
    user_commune: Option<&str>,
    office_agency: uuid::Uuid,
    office_province: &str,
) -> OfficeAccess {
    let same_agency = user_agency == Some(office_agency);
    let province_wide = user_commune.is_none() && user_province == Some(office_province);
    match role {
        Role::ProvinceAdmin if province_wide => OfficeAccess::Manage,
        Role::AgencyAdmin if same_agency => OfficeAccess::Manage,
        Role::CounterOfficer if same_agency => OfficeAccess::Operate,
        Role::HotlineAgent if province_wide => OfficeAccess::BookOnBehalf,
        _ => OfficeAccess::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_access_follows_role_agency_and_province() {
        let (a, b) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
        let acc = |role, agency, commune| office_access(role, Some(agency), Some("52"), commune, a, "52");
        assert_eq!(acc(Role::CounterOfficer, a, Some("21583")), OfficeAccess::Operate);
        assert_eq!(acc(Role::CounterOfficer, b, Some("21583")), OfficeAccess::None);
        assert_eq!(acc(Role::AgencyAdmin, a, Some("21583")), OfficeAccess::Manage);
        assert_eq!(acc(Role::AgencyAdmin, b, None), OfficeAccess::None);
        assert_eq!(acc(Role::ProvinceAdmin, b, None), OfficeAccess::Manage);
        assert_eq!(acc(Role::HotlineAgent, b, None), OfficeAccess::BookOnBehalf);
        assert_eq!(acc(Role::CivilStatusOfficial, a, Some("21583")), OfficeAccess::None);
        assert_eq!(office_access(Role::ProvinceAdmin, Some(b), Some("01"), None, a, "52"), OfficeAccess::None);
        assert_eq!(office_access(Role::Citizen, None, None, None, a, "52"), OfficeAccess::None);
    }
}
