"""
The cases workspace: thin views over ``selectors`` (reads, need-to-know) and ``services`` (writes),
one module per topic, each declaring its views' addresses in ``routes`` (``haven.cases.urls``).

Every view declares its permission; every case, assessment, file or consent is fetched through a
selector that answers 404 for anything the member may not see (AZ-02, AZ-03). State changes are
POST only. A refused write shows the service's message and changes nothing. Sensitive values
never go into a URL: search and reveal are POSTs whose answers are rendered, not redirected to.

Read first: ``case_page`` (the case and its moves), ``records`` (adding and correcting records),
then ``lists``, ``intake``, ``consents``, ``assessments``, ``attachments``, ``erasure``.
"""

# Imported for their route declarations: each module adds its views to ``routes``.
from haven.cases.views import (  # noqa: F401
    assessments,
    attachments,
    case_page,
    consents,
    erasure,
    intake,
    lists,
    records,
)
from haven.cases.views.common import routes

__all__ = ["routes"]
