//! The population registry ("Cơ sở dữ liệu quốc gia về dân cư") behind one trait. The local
//! implementation reads a synthetic registry in Postgres; every lookup goes through
//! [`lookup_logged`], which records who asked, for which dossier, and how.

use super::domain::{ChipQr, PersonalId, Sex};
use crate::{identity::AuthUser, kernel::error::AppError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// A relative as the registry names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relative {
    pub personal_id: String,
    pub full_name: String,
}

/// What the registry returns about a person: what the forms prefill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryPerson {
    pub personal_id: String,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub ethnicity: String,
    pub nationality: String,
    pub birth_place: String,
    pub home_town: String,
    pub permanent_address: String,
    pub commune_code: String,
    pub marital_status: String,
    pub died_on: Option<NaiveDate>,
    pub father: Option<Relative>,
    pub mother: Option<Relative>,
    pub spouse: Option<Relative>,
}

/// The registry: the national database in production, [`LocalRegistry`] here.
#[async_trait::async_trait]
pub trait PopulationRegistry: Send + Sync {
    async fn find(&self, id: &PersonalId) -> Result<Option<RegistryPerson>, AppError>;
}

/// The synthetic registry in Postgres, answering like the national one would.
pub struct LocalRegistry {
    pub db: PgPool,
}

#[async_trait::async_trait]
impl PopulationRegistry for LocalRegistry {
    async fn find(&self, id: &PersonalId) -> Result<Option<RegistryPerson>, AppError> {
        let r = sqlx::query!(
            r#"select p.personal_id, p.full_name, p.birth_date, p.sex, p.ethnicity, p.nationality, p.birth_place,
                      p.home_town, p.permanent_address, p.commune_code, p.marital_status, p.died_on,
                      f.personal_id as "father_id?", f.full_name as "father_name?",
                      m.personal_id as "mother_id?", m.full_name as "mother_name?",
                      s.personal_id as "spouse_id?", s.full_name as "spouse_name?"
               from registry_person p
               left join registry_person f on f.personal_id = p.father_id
               left join registry_person m on m.personal_id = p.mother_id
               left join registry_person s on s.personal_id = p.spouse_id
               where p.personal_id = $1"#,
            id.as_str()
        )
        .fetch_optional(&self.db)
        .await?;
        Ok(r.map(|r| {
            let rel = |id: Option<String>, name: Option<String>| {
                id.zip(name).map(|(personal_id, full_name)| Relative { personal_id, full_name })
            };
            RegistryPerson {
                personal_id: r.personal_id,
                full_name: r.full_name,
                birth_date: r.birth_date,
                sex: Sex::parse(&r.sex).unwrap_or(Sex::Male),
                ethnicity: r.ethnicity,
                nationality: r.nationality,
                birth_place: r.birth_place,
                home_town: r.home_town,
                permanent_address: r.permanent_address,
                commune_code: r.commune_code,
                marital_status: r.marital_status,
                died_on: r.died_on,
                father: rel(r.father_id, r.father_name),
                mother: rel(r.mother_id, r.mother_name),
                spouse: rel(r.spouse_id, r.spouse_name),
            }
        }))
    }
}

/// How the person was identified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Id(PersonalId),
    ChipQr(ChipQr),
}

/// Looks a person up and logs the lookup (who, for which dossier, how, found or not). Only staff
/// who prepare dossiers may look people up.
pub async fn lookup_logged(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    actor: &AuthUser,
    dossier_ref: Option<&str>,
    query: &Query,
) -> Result<Option<RegistryPerson>, AppError> {
    use crate::identity::Role;
    if !matches!(actor.role, Role::CivilStatusOfficial | Role::CounterOfficer | Role::Collector | Role::CommuneChairman)
    {
        return Err(AppError::Forbidden);
    }
    let (method, id) = match query {
        Query::Id(id) => ("id", id),
        Query::ChipQr(qr) => ("chip_qr", &qr.personal_id),
    };
    let found = registry.find(id).await?;
    sqlx::query!(
        "insert into registry_lookup (actor_id, dossier_ref, method, personal_id, found) values ($1, $2, $3, $4, $5)",
        actor.user_id,
        dossier_ref,
        method,
        id.as_str(),
        found.is_some()
    )
    .execute(db)
    .await?;
    Ok(found)
}

const FAMILY: [&str; 14] =
    ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
const MIDDLE_M: [&str; 6] = ["Văn", "Hữu", "Minh", "Đức", "Quang", "Công"];
const MIDDLE_F: [&str; 6] = ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ"];
const GIVEN_M: [&str; 12] =
    ["An", "Bình", "Cường", "Dũng", "Hùng", "Khoa", "Long", "Nam", "Phúc", "Quân", "Tâm", "Vinh"];
const GIVEN_F: [&str; 12] = ["Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Lan", "Linh", "Mai", "Nhung", "Thảo", "Trang"];

/// A small deterministic generator: the same registry on every machine and run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn name(rng: &mut Lcg, family: &str, sex: Sex) -> String {
    match sex {
        Sex::Male => format!("{family} {} {}", MIDDLE_M[rng.next(6)], GIVEN_M[rng.next(12)]),
        Sex::Female => format!("{family} {} {}", MIDDLE_F[rng.next(6)], GIVEN_F[rng.next(12)]),
    }
}

/// Fills the synthetic registry with `households` families per commune: a married couple (in one
/// household of ten the husband has died), their children. Idempotent: a commune that already has
/// people is skipped. Numbers are unique by construction; a clash fails loudly.
pub async fn seed(db: &PgPool, communes: &[(&str, &str)], households: usize) -> Result<usize, AppError> {
    // At most 5 people a household within the 4-digit counter below.
    let households = households.min(1_900);
    let mut tx = db.begin().await?;
    let mut added = 0;
    for (code, commune_name) in communes {
        // Seed and number block from the commune's code, so neither depends on the list's order.
        let ci: usize = code.parse::<usize>().unwrap_or(0) % 50;
        let has: bool = sqlx::query_scalar!(
            r#"select exists(select 1 from registry_person where commune_code = $1) as "e!""#,
            code
        )
        .fetch_one(&mut *tx)
        .await?;
        if has {
            continue;
        }
        let mut rng = Lcg(0x5eed_0000 + ci as u64);
        // Six random digits in the real number; here a block per commune and a counter, so unique.
        let mut counter = 0u32;
        let mut serial = move || {
            counter += 1;
            ci as u32 * 20_000 + counter
        };
        for h in 0..households {
            let household = uuid::Uuid::new_v4();
            let address = format!("Tổ {}, {}, tỉnh Gia Lai", h % 20 + 1, commune_name);
            let family = FAMILY[rng.next(FAMILY.len())];
            let wife_family = FAMILY[rng.next(FAMILY.len())];
            let father_year = 1965 + rng.next(30) as i32;
            let mother_year = father_year + rng.next(5) as i32;
            let day = |rng: &mut Lcg, year: i32| {
                NaiveDate::from_ymd_opt(year, 1 + rng.next(12) as u32, 1 + rng.next(28) as u32).expect("valid day")
            };
            // Old Bình Định (052) for the coast, old Gia Lai (064) for the highlands.
            let province = if code.starts_with("21") { "052" } else { "064" };
            let father_id = PersonalId::compose(province, Sex::Male, father_year, serial());
            let mother_id = PersonalId::compose(province, Sex::Female, mother_year, serial());
            let widowed = rng.next(10) == 0;
            let people = [
                (father_id.clone(), name(&mut rng, family, Sex::Male), Sex::Male, day(&mut rng, father_year), "Chủ hộ"),
                (
                    mother_id.clone(),
                    name(&mut rng, wife_family, Sex::Female),
                    Sex::Female,
                    day(&mut rng, mother_year),
                    "Vợ",
                ),
            ];
            for (i, (id, full_name, sex, born, relation)) in people.iter().enumerate() {
                // In a widowed household the husband died in 2024; his record stays "married".
                let died = (widowed && i == 0).then(|| day(&mut rng, 2024));
                let status = if widowed && i == 1 { "widowed" } else { "married" };
                sqlx::query!(
                    r#"insert into registry_person (personal_id, full_name, birth_date, sex, birth_place, home_town,
                           permanent_address, commune_code, household_id, relation_to_head, marital_status, died_on,
                           card_issued_on)
                       values ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, '2021-07-01')"#,
                    id.as_str(),
                    full_name,
                    born,
                    sex.as_str(),
                    format!("{commune_name}, tỉnh Gia Lai"),
                    address,
                    code,
                    household,
                    relation,
                    status,
                    died
                )
                .execute(&mut *tx)
                .await?;
                added += 1;
            }
            sqlx::query!(
                "update registry_person set spouse_id = case personal_id when $1 then $2 else $1 end where personal_id in ($1, $2)",
                father_id.as_str(),
                mother_id.as_str()
            )
            .execute(&mut *tx)
            .await?;
            for c in 0..rng.next(4) {
                let sex = if rng.next(2) == 0 { Sex::Male } else { Sex::Female };
                let year = (mother_year + 20 + 3 * c as i32 + rng.next(3) as i32).min(2025);
                let id = PersonalId::compose(province, sex, year, serial());
                sqlx::query!(
                    r#"insert into registry_person (personal_id, full_name, birth_date, sex, birth_place, home_town,
                           permanent_address, commune_code, household_id, relation_to_head, father_id, mother_id,
                           marital_status)
                       values ($1, $2, $3, $4, $5, $5, $6, $7, $8, 'Con', $9, $10, 'single')"#,
                    id.as_str(),
                    name(&mut rng, family, sex),
                    day(&mut rng, year),
                    sex.as_str(),
                    format!("{commune_name}, tỉnh Gia Lai"),
                    address,
                    code,
                    household,
                    father_id.as_str(),
                    mother_id.as_str()
                )
                .execute(&mut *tx)
                .await?;
                added += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(added)
}
