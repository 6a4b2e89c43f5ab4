"""
The two-regime map, ranked protection pathways and the tension between the regimes.

Two regimes meet around a threatened defender. The relocation regime (temporary international
relocation initiatives: a stay of a few months with return expected) and the refugee regime
(asylum, complementary protection, non-refoulement: no return while the risk lasts). They pull
apart when a defender on a programme that expects return cannot safely go back, or does not
want to. Haven flags that tension and lists what staff owe the defender: information about the
right to seek asylum and the programme's asylum policy before the stay ends, independent legal
advice, informed consent, and a check of what the visa allows.

Pathways are advice, ranked ``recommended`` > ``possible`` > ``not_suitable``; within a rank a
pathway the defender wishes for comes first. The defender decides.

Modules by topic: ``common`` (the shapes and the situation every rule reads), ``regimes`` (the
two-regime map), ``tension`` (the tension flag and what staff owe the defender), ``relocation``
and ``protection`` (one small rule per pathway), ``ranking`` (the rules in order, best first).
Everything is re-exported here, so ``from haven.domain.pathways import ...`` keeps working.
"""

from haven.domain.pathways.common import (
    EXPECTS_RETURN_BUT,
    IN_PROGRAMME,
    SUITABILITY_ORDER,
    WISH_FOR_PATHWAY,
    Pathway,
    PathwayRule,
    Situation,
    Standing,
    Tension,
    programme_expects_return,
)
from haven.domain.pathways.protection import (
    ASYLUM_CAUTION,
    asylum,
    humanitarian_visa,
    resettlement,
)
from haven.domain.pathways.ranking import PATHWAY_RULES, rank_pathways
from haven.domain.pathways.regimes import map_regimes
from haven.domain.pathways.relocation import (
    extension,
    in_country_protection,
    internal_relocation,
    onward_relocation,
    regional_relocation,
    return_with_protection,
    temporary_international_relocation,
)
from haven.domain.pathways.tension import flag_tension

__all__ = [
    "ASYLUM_CAUTION",
    "EXPECTS_RETURN_BUT",
    "IN_PROGRAMME",
    "PATHWAY_RULES",
    "SUITABILITY_ORDER",
    "WISH_FOR_PATHWAY",
    "Pathway",
    "PathwayRule",
    "Situation",
    "Standing",
    "Tension",
    "asylum",
    "extension",
    "flag_tension",
    "humanitarian_visa",
    "in_country_protection",
    "internal_relocation",
    "map_regimes",
    "onward_relocation",
    "programme_expects_return",
    "rank_pathways",
    "regional_relocation",
    "resettlement",
    "return_with_protection",
    "temporary_international_relocation",
]
