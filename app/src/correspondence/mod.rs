//! The Correspondence Center: letters and notices the plan sends each NPI.

/// The kinds of correspondence; permissions are granted per NPI and type.
pub const CORRESPONDENCE_TYPES: [&str; 7] = [
    "Claim Notices",
    "Enrollment Notices",
    "PIN Letters",
    "Provider Bulletins",
    "Provider Welcome Letter",
    "Remittance Advice",
    "Tax Documents",
];
