//! Demo data for `make run`: agencies, offices and one account per role in province Gia Lai (52)
//! and a few former-Bình-Định communes. Idempotent: running it again changes nothing.

use crate::{
    identity::{
        Password, Role, Username,
        api::{NewStaff, ensure_staff},
    },
    kernel::error::AppError,
};
use sqlx::PgPool;
use uuid::Uuid;

pub const DEMO_PASSWORD: &str = "phucvu-demo-2026";
pub const DEMO_CITIZEN_PHONE: &str = "0905123456";
pub const PROVINCE: &str = "52";

/// (commune code, agency code, agency name, office name, address)
const COMMUNES: [(&str, &str, &str, &str, &str); 4] = [
    (
        "21583",
        "DEMO.H52.21583",
        "UBND phường Quy Nhơn",
        "Trung tâm Phục vụ hành chính công phường Quy Nhơn",
        "Phường Quy Nhơn, tỉnh Gia Lai",
    ),
    (
        "21853",
        "DEMO.H52.21853",
        "UBND xã Phù Cát",
        "Trung tâm Phục vụ hành chính công xã Phù Cát",
        "Xã Phù Cát, tỉnh Gia Lai",
    ),
    (
        "21910",
        "DEMO.H52.21910",
        "UBND phường An Nhơn",
        "Trung tâm Phục vụ hành chính công phường An Nhơn",
        "Phường An Nhơn, tỉnh Gia Lai",
    ),
    (
        "21952",
        "DEMO.H52.21952",
        "UBND xã Tuy Phước",
        "Trung tâm Phục vụ hành chính công xã Tuy Phước",
        "Xã Tuy Phước, tỉnh Gia Lai",
    ),
];

/// A demo login, printed by `make run`.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub login: String,
    pub role: Role,
    pub where_: String,
}

async fn agency(db: &PgPool, code: &str, name: &str, kind: &str, commune: Option<&str>) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into agency (code, name, kind, province_code, commune_code) values ($1, $2, $3, $4, $5)
           on conflict (code) do update set name = excluded.name returning agency_id"#,
        code,
        name,
        kind,
        PROVINCE,
        commune
    )
    .fetch_one(db)
    .await?)
}

async fn office(
    db: &PgPool,
    agency_id: Uuid,
    name: &str,
    address: &str,
    commune: &str,
    counters: &[&str],
) -> Result<(), AppError> {
    let office_id = sqlx::query_scalar!(
        r#"insert into office (agency_id, name, address, commune_code) values ($1, $2, $3, $4)
           on conflict (agency_id, name) do update set address = excluded.address returning office_id"#,
        agency_id,
        name,
        address,
        commune
    )
    .fetch_one(db)
    .await?;
    for (i, c) in counters.iter().enumerate() {
        sqlx::query!(
            "insert into counter (office_id, number, name) values ($1, $2, $3) on conflict (office_id, number) do nothing",
            office_id,
            i as i16 + 1,
            c
        )
        .execute(db)
        .await?;
    }
    crate::queue::api::configure_demo_office(db, office_id).await
}

/// Loads the demo data and returns the accounts to print.
pub async fn load(db: &PgPool) -> Result<Vec<DemoAccount>, AppError> {
    let centre = agency(
        db,
        "DEMO.H52.TTPVHCC",
        "Trung tâm Phục vụ hành chính công tỉnh Gia Lai",
        "province_service_centre",
        None,
    )
    .await?;
    office(
        db,
        centre,
        "Trung tâm Phục vụ hành chính công tỉnh Gia Lai",
        "Phường Quy Nhơn, tỉnh Gia Lai",
        "21583",
        &["Tư pháp", "Đất đai", "Đầu tư", "Lao động", "Y tế", "Ưu tiên"],
    )
    .await?;
    let hospital =
        agency(db, "DEMO.H52.BVDK", "Bệnh viện Đa khoa tỉnh Gia Lai (cơ sở Quy Nhơn)", "health_facility", None).await?;
    let mut commune_agencies = Vec::new();
    for (code, agency_code, name, office_name, address) in COMMUNES {
        let id = agency(db, agency_code, name, "commune_committee", Some(code)).await?;
        office(db, id, office_name, address, code, &["Tư pháp – Hộ tịch", "Đất đai – Xây dựng", "Chứng thực"]).await?;
        commune_agencies.push((code, id));
    }
    let union =
        agency(db, "DEMO.H52.HLHPN.21583", "Hội Liên hiệp Phụ nữ phường Quy Nhơn", "womens_union", Some("21583"))
            .await?;
    let quy_nhon = commune_agencies[0].1;
    let phu_cat = commune_agencies[1].1;

    // (username, display name, role, agency, commune jurisdiction; None = whole province)
    let staff: [(&str, &str, Role, Uuid, Option<&str>); 12] = [
        ("tinh.quantri", "Lê Thị Hồng Nhung", Role::ProvinceAdmin, centre, None),
        ("tinh.tongdai", "Phạm Minh Tuấn", Role::HotlineAgent, centre, None),
        ("tinh.tongdai2", "Ngô Thị Thu Trang", Role::HotlineAgent, centre, None),
        ("tinh.tongdai3", "Lý Quốc Bảo", Role::HotlineAgent, centre, None),
        ("tinh.motcua", "Đặng Thu Hà", Role::CounterOfficer, centre, None),
        ("bv.quynhon", "Bệnh viện Đa khoa tỉnh Gia Lai", Role::HealthFacility, hospital, None),
        ("quynhon.quantri", "Trần Văn Bình", Role::AgencyAdmin, quy_nhon, Some("21583")),
        ("quynhon.hotich", "Nguyễn Thị Lan", Role::CivilStatusOfficial, quy_nhon, Some("21583")),
        ("quynhon.chutich", "Võ Đức Thắng", Role::CommuneChairman, quy_nhon, Some("21583")),
        ("quynhon.motcua", "Huỳnh Ngọc Ánh", Role::CounterOfficer, quy_nhon, Some("21583")),
        ("quynhon.ctv", "Trương Thị Mỹ", Role::Collector, union, Some("21583")),
        ("phucat.hotich", "Đỗ Văn Hùng", Role::CivilStatusOfficial, phu_cat, Some("21853")),
    ];
    let mut accounts = Vec::new();
    for (username, name, role, agency_id, commune) in staff {
        ensure_staff(
            db,
            NewStaff {
                username: Username::parse(username).expect("BUG: demo username"),
                password: Password::parse_new(DEMO_PASSWORD).expect("BUG: demo password"),
                display_name: name,
                role,
                agency_id,
                province_code: PROVINCE,
                commune_code: commune,
            },
        )
        .await?;
        accounts.push(DemoAccount {
            login: username.to_owned(),
            role,
            where_: commune.unwrap_or("52 Gia Lai").to_owned(),
        });
    }
    // The synthetic population registry of the demo communes (idempotent).
    let communes: Vec<(&str, &str)> =
        COMMUNES.iter().map(|(code, _, _, _, address)| (*code, address.split(',').next().unwrap_or(address))).collect();
    crate::civil::registry::seed(db, &communes, 150).await?;
    crate::hotline::demo::load(db, centre).await?;
    accounts.push(DemoAccount {
        login: format!("{DEMO_CITIZEN_PHONE} (SMS code at /dev/inbox)"),
        role: Role::Citizen,
        where_: String::new(),
    });
    Ok(accounts)
}
