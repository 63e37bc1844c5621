//! Role-aware home screens: what each kind of user does first.

use crate::{
    evaluation::i18n::{EMsgs, et},
    hotline::i18n::HMsgs,
    i18n::{Locale, Msgs, t, use_locale},
    identity::{Jurisdiction, Role, SessionUser, session::use_session},
    queue::i18n::{QMsgs, qt},
    ui::problem::ErrorPanel,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Picks one text out of the messages of a locale.
pub type Text = fn(&Msgs) -> &'static str;

/// Title, intro and kind (`data-home`) of a role's home screen. Pure, so it is unit-tested.
pub fn home_screen(role: Role) -> (Text, Text, &'static str) {
    match role {
        Role::Citizen => (|m| m.home_citizen_title, |m| m.home_citizen_body, "citizen"),
        Role::Collector => (|m| m.home_collector_title, |m| m.home_collector_body, "collector"),
        Role::CivilStatusOfficial | Role::CommuneChairman => {
            (|m| m.home_official_title, |m| m.home_official_body, "official")
        }
        Role::CounterOfficer => (|m| m.home_counter_title, |m| m.home_counter_body, "counter"),
        Role::AgencyAdmin | Role::ProvinceAdmin => (|m| m.home_manager_title, |m| m.home_manager_body, "manager"),
        Role::HotlineAgent => (|m| m.home_hotline_title, |m| m.home_hotline_body, "hotline"),
        Role::HealthFacility => (|m| m.home_facility_title, |m| m.home_facility_body, "facility"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Procedures,
    Commune,
    Calendar,
    Audit,
    ApiDocs,
    Book,
    MyBookings,
    Offices,
    /// Rankings and scores (supervisors).
    Evaluation,
    /// Feedback cases (office heads).
    Cases,
    /// An official's own ratings.
    MyResults,
    /// The public results page.
    Transparency,
    /// The commune's civil-registration work queue.
    CivilQueue,
    NewDossier,
    /// A health facility's births sent.
    SentBirths,
    FacilityKeys,
    /// Follow a civil-status dossier by code and phone.
    Track,
    /// The chairman's letters to sign.
    Letters,
    /// A collector's home visits.
    FieldTasks,
    /// Ask for a home visit (families; the hotline for them).
    VisitRequest,
    /// The commune's letter templates.
    LetterTemplates,
    /// The hotline agent's console.
    HotlineConsole,
    /// The hotline's knowledge base (agents draft, agencies approve).
    Knowledge,
    /// The hotline's figures.
    HotlineFigures,
    /// Exchanges, routing rules, retention.
    HotlineAdmin,
    /// The public questions and answers.
    Faq,
}

/// The links a role's home shows; each leads to something the role is allowed to use.
pub fn home_links(role: Role, jurisdiction: Option<&Jurisdiction>) -> Vec<Link> {
    let mut links = Vec::new();
    let has_commune = jurisdiction.and_then(Jurisdiction::commune_code).is_some();
    match role {
        Role::Citizen => links.extend([
            Link::Book,
            Link::MyBookings,
            Link::Track,
            Link::VisitRequest,
            Link::Procedures,
            Link::Transparency,
        ]),
        Role::HotlineAgent => links.extend([
            Link::HotlineConsole,
            Link::Knowledge,
            Link::VisitRequest,
            Link::Offices,
            Link::Procedures,
            Link::Faq,
        ]),
        Role::HealthFacility => links.extend([Link::SentBirths, Link::ApiDocs]),
        Role::Collector | Role::CivilStatusOfficial | Role::CommuneChairman | Role::CounterOfficer => {
            if role == Role::CounterOfficer {
                links.push(Link::Offices);
            }
            if has_commune && role == Role::CommuneChairman {
                links.push(Link::Letters);
            }
            if has_commune && role == Role::Collector {
                links.push(Link::FieldTasks);
            }
            if has_commune && role != Role::Collector {
                links.push(Link::CivilQueue);
                if role != Role::CommuneChairman {
                    links.push(Link::NewDossier);
                }
            }
            if has_commune {
                links.push(Link::Commune);
            }
            links.push(Link::Procedures);
            if matches!(role, Role::CounterOfficer | Role::CivilStatusOfficial) {
                links.push(Link::MyResults);
                if has_commune {
                    // The hotline's cases sent to their commune.
                    links.push(Link::Cases);
                }
            }
        }
        Role::AgencyAdmin | Role::ProvinceAdmin => {
            links.extend([Link::Offices, Link::Evaluation, Link::Cases, Link::HotlineFigures, Link::Knowledge]);
            if has_commune {
                links.push(Link::Commune);
            }
            if crate::identity::can_manage_calendar(role, jurisdiction) {
                links.push(Link::Calendar);
            }
            if role == Role::ProvinceAdmin {
                links.push(Link::FacilityKeys);
                links.push(Link::HotlineConsole);
                links.push(Link::HotlineAdmin);
            }
            if role == Role::AgencyAdmin && has_commune {
                links.push(Link::LetterTemplates);
            }
            links.push(Link::Audit);
            links.push(Link::Procedures);
        }
    }
    links
}

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <Title text=t(|m| m.app_name) />
        <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(None) => view! { <GuestHome /> }.into_any(),
                    Ok(Some(user)) => view! { <UserHome user /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn GuestHome() -> impl IntoView {
    view! {
        <section class="hero" data-home="guest">
            <h1>{t(|m| m.home_guest_title)}</h1>
            <p>{t(|m| m.home_guest_body)}</p>
            <div class="actions">
                <A href="/book" attr:class="button primary">{qt(|q| q.book_title)}</A>
                <A href="/login/citizen" attr:class="button">{t(|m| m.login_as_citizen)}</A>
                <A href="/procedures" attr:class="button">{t(|m| m.open_procedures)}</A>
                <A href="/login" attr:class="button">{t(|m| m.login_as_staff)}</A>
                <A href="/transparency" attr:class="button">{et(|e| e.transparency_title)}</A>
                <A href="/track" attr:class="button">{t(|m| m.open_track)}</A>
                <A href="/faq" attr:class="button">{crate::hotline::i18n::ht(|h| h.faq_title)}</A>
            </div>
        </section>
    }
}

#[component]
fn UserHome(user: SessionUser) -> impl IntoView {
    let locale = use_locale();
    let (title, body, kind) = home_screen(user.role);
    let role = user.role;
    let links = home_links(user.role, user.jurisdiction.as_ref());
    let commune = user.jurisdiction.as_ref().and_then(|j| j.commune_code()).map(str::to_owned);
    let jurisdiction = user.jurisdiction.clone();
    view! {
        <section class="panel" data-home=kind>
            <p class="muted">{t(|m| m.hello)} ", " <strong>{user.display_name.clone()}</strong></p>
            <h1>{move || title(locale.get().msgs())}</h1>
            <p>{move || body(locale.get().msgs())}</p>
            <dl class="profile">
                <dt>{t(|m| m.your_role)}</dt>
                <dd data-role=role.as_str()>{move || role.label(locale.get().msgs())}</dd>
                {user.agency_name.clone().map(|a| view! { <dt>{t(|m| m.your_agency)}</dt><dd>{a}</dd> })}
                {jurisdiction
                    .map(|j| {
                        let whole = matches!(j, Jurisdiction::Province { .. });
                        let name = j.name().to_owned();
                        view! {
                            <dt>{t(|m| m.your_jurisdiction)}</dt>
                            <dd>{name} {move || whole.then(|| format!(" ({})", locale.get().msgs().whole_province))}</dd>
                        }
                    })}
            </dl>
            <ul class="tiles">
                {links
                    .into_iter()
                    .map(|l| {
                        // A tile may name another feature's text: each is read from its own table.
                        let (href, label): (String, fn(Locale) -> &'static str) = match l {
                            Link::Procedures => ("/procedures".into(), |l| l.msgs().open_procedures),
                            Link::Commune => (format!("/commune/{}", commune.clone().unwrap_or_default()), |l| l.msgs().open_commune),
                            Link::Calendar => ("/admin/calendar".into(), |l| l.msgs().open_calendar),
                            Link::Audit => ("/admin/audit".into(), |l| l.msgs().open_audit),
                            Link::ApiDocs => ("/api/docs".into(), |l| l.msgs().open_api_docs),
                            Link::Book => ("/book".into(), |l| l.texts::<QMsgs>().book_title),
                            Link::MyBookings => ("/bookings".into(), |l| l.texts::<QMsgs>().my_bookings),
                            Link::Offices => ("/offices".into(), |l| l.texts::<QMsgs>().offices_title),
                            Link::Evaluation => ("/evaluation".into(), |l| l.texts::<EMsgs>().ranking_title),
                            Link::Cases => ("/cases".into(), |l| l.texts::<EMsgs>().cases_title),
                            Link::MyResults => ("/my/results".into(), |l| l.texts::<EMsgs>().my_results_title),
                            Link::Transparency => ("/transparency".into(), |l| l.texts::<EMsgs>().transparency_title),
                            Link::CivilQueue => ("/civil".into(), |l| l.msgs().open_civil_queue),
                            Link::NewDossier => ("/civil/new".into(), |l| l.msgs().open_new_dossier),
                            Link::SentBirths => ("/facility".into(), |l| l.msgs().open_sent_births),
                            Link::FacilityKeys => ("/admin/facilities".into(), |l| l.msgs().open_facility_keys),
                            Link::Track => ("/track".into(), |l| l.msgs().open_track),
                            Link::VisitRequest => ("/visit".into(), |l| l.msgs().open_visit),
                            Link::Letters => ("/letters".into(), |l| l.msgs().open_letters),
                            Link::FieldTasks => ("/field".into(), |l| l.msgs().open_field_tasks),
                            Link::LetterTemplates => ("/admin/letters".into(), |l| l.msgs().open_letter_templates),
                            Link::HotlineConsole => ("/hotline".into(), |l| l.texts::<HMsgs>().console_title),
                            Link::Knowledge => ("/hotline/kb".into(), |l| l.texts::<HMsgs>().kb_title),
                            Link::HotlineFigures => ("/hotline/figures".into(), |l| l.texts::<HMsgs>().figures_title),
                            Link::HotlineAdmin => ("/admin/hotline".into(), |l| l.texts::<HMsgs>().admin_title),
                            Link::Faq => ("/faq".into(), |l| l.texts::<HMsgs>().faq_title),
                        };
                        let external = matches!(l, Link::ApiDocs).then_some("external");
                        view! {
                            <li>
                                <a class="tile" href=href rel=external>{move || label(locale.get())}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_its_own_home_kind() {
        let kinds: Vec<_> = Role::ALL.iter().map(|r| home_screen(*r).2).collect();
        assert_eq!(
            kinds,
            ["citizen", "collector", "facility", "official", "official", "counter", "hotline", "manager", "manager"]
        );
    }

    #[test]
    fn only_province_administrators_get_the_calendar_link() {
        let province = Jurisdiction::Province { code: "52".into(), name: "Gia Lai".into() };
        let commune =
            Jurisdiction::Commune {
                code: "21583".into(), name: "Phường Quy Nhơn".into(), province_code: "52".into()
            };
        assert!(home_links(Role::ProvinceAdmin, Some(&province)).contains(&Link::Calendar));
        assert!(!home_links(Role::AgencyAdmin, Some(&commune)).contains(&Link::Calendar));
        assert_eq!(home_links(Role::CivilStatusOfficial, Some(&commune))[0], Link::CivilQueue);
        assert!(!home_links(Role::CommuneChairman, Some(&commune)).contains(&Link::NewDossier));
        assert_eq!(home_links(Role::Citizen, None)[..3], [Link::Book, Link::MyBookings, Link::Track]);
        assert!(home_links(Role::CounterOfficer, Some(&commune)).contains(&Link::Offices));
        assert!(!home_links(Role::Collector, Some(&commune)).contains(&Link::Offices));
    }
}
