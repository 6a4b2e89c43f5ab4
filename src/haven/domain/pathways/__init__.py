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
The shapes, the ranking, the map and the flag are re-exported here. The pathway rules themselves
are reached through ``PATHWAY_RULES``, the one list that names them all in order; import a single
rule from its module.
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
from haven.domain.pathways.protection import ASYLUM_CAUTION
from haven.domain.pathways.ranking import PATHWAY_RULES, rank_pathways
from haven.domain.pathways.regimes import map_regimes
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
    "flag_tension",
    "map_regimes",
    "programme_expects_return",
    "rank_pathways",
]
