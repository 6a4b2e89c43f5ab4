"""
Risk now and risk on return, scored so that a coordinator can redo the sum by hand.

Method (Protection International, *New Protection Manual for Human Rights Defenders*, ch. 1.2):
risk = threats x vulnerabilities / capacities. Haven makes each factor a number:

- **threat load**: each threat gets ``severity(kind) x actor x target x recency x ongoing x
  link-to-work x authority-response``; each prosecution is a threat from the state with a weight
  from its stage, charge, penalty and fairness. The weights are sorted, and the load is the
  largest + half the second + a quarter of each other one (repeated harm adds up, with
  diminishing weight, so a long list of minor incidents does not outweigh one attempt on a life);
- **exposure**: ``1 + 0.1`` per vulnerability, ``+0.1`` for medium and ``+0.2`` for high visibility;
- **context**: civic space (CIVICUS scale), impunity for attacks on defenders, armed conflict,
  harm to similarly placed defenders, and the national protection mechanism;
- **capacities**: the product is divided by ``1 + 0.1`` per capacity.

Levels: score below 4 is low, below 10 medium, below 20 high, otherwise critical. Some harms set a
floor whatever the score (an attempt on the defender's life in the last year is at least high).

Two properties hold by construction and are checked with Hypothesis: another threat never lowers
the score or the level; another capacity never raises them. Every weight is at least zero and
the load weights do not increase down the sorted list, so adding a threat can only push each
position's value up.

Risk on return starts from the same load and adds what the persecutor did or learnt after the
defender left: threats after departure weigh 1.3 times as much, prosecutions in absentia or with
a warrant outstanding mean arrest on arrival (floor: high), monitoring of defenders abroad and
the defender's own activity abroad known to the persecutor each multiply the score.

Modules by topic: ``weights`` (every weight, multiplier and threshold, named), ``factors`` (the
weight of each threat, prosecution and feared harm, and the combined load) and ``scoring`` (risk
now, risk on return, and the engine's level beside the staff's). The entry points, the records and
the two vocabularies other packages read (``LEVELS``, ``STATE_ACTORS``) are re-exported here; the
weights stay in ``weights``, the one module that names them, so ``factors`` and ``scoring`` (and
anyone who redoes the sum) import them from there.
"""

from haven.domain.risk.factors import (
    CivicSpaceRatings,
    RiskAssessment,
    civic_space_for,
    combined_load,
    feared_harm_founded,
    feared_harm_weight,
    founded_feared_harms,
    level_rank,
    prosecution_weight,
    threat_weight,
)
from haven.domain.risk.scoring import (
    RiskView,
    assess_risk,
    assess_risk_on_return,
    is_outside_country_of_risk,
    risk_views,
)
from haven.domain.risk.weights import LEVELS, STATE_ACTORS

__all__ = [
    "LEVELS",
    "STATE_ACTORS",
    "CivicSpaceRatings",
    "RiskAssessment",
    "RiskView",
    "assess_risk",
    "assess_risk_on_return",
    "civic_space_for",
    "combined_load",
    "feared_harm_founded",
    "feared_harm_weight",
    "founded_feared_harms",
    "is_outside_country_of_risk",
    "level_rank",
    "prosecution_weight",
    "risk_views",
    "threat_weight",
]
