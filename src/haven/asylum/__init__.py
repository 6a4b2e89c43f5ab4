"""The bridge to asylum: tension seen early, informed consent, the legal opinion, the procedure and
both regimes' outcomes. The host states' rules themselves are data in `haven.domain.host_states`."""
