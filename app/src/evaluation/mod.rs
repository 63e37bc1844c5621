//! Evaluation of service quality (issue 4): the per-dossier indicators of NĐ 61/2018 Điều 33 /
//! TT 01/2018, classification bands, competition ranking and the 766 satisfaction ratio.
//! This first part is the pure rules with worked examples; ratings, storage and views follow.

pub mod domain;
