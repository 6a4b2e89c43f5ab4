"""Referral to independent counsel: each organisation's legal-aid partners by host state, referrals,
and the referral pack the defender chose item by item, exported age-encrypted."""
