"""
Plain-word reasons for every applicant left unplaced, one per listed option.

The problem format carries no eligibility rule names: the options list *is* the eligibility
engine's verdict, so an applicant without options is told exactly that. For each option the
reason is a fact checked against the final assignment, never a guess about the solver's
reasoning: the placement can never hold the family; every unit of it went to higher tiers; the
applicant scored below the lowest-scored same-tier applicant placed there (by how many points);
or it lacks the free units they need. When the result is not proven optimal a placement may still
have room, and the reason then says the time limit stopped the search.

Each reason is a keyed ``Message`` (``haven.domain.messages``): the English text the result
document carries, with a stable key and parameters so the web can say it in the reader's language.
A placement is a parameter named ``placement`` holding its id, which the review screen replaces by
the intake window's name; resources are ``Codes`` shown by their labels.
"""

from collections.abc import Mapping

import numpy as np

from haven.domain.matching.greedy import UNPLACED
from haven.domain.matching.problem import IntArray, MatchingProblem
from haven.domain.messages import (
    Codes,
    Joined,
    Message,
    MessageTemplate,
    gettext_noop,
    templates_by_key,
)

NO_OPTIONS = MessageTemplate(
    "matching.unplaced.no_options",
    gettext_noop("no eligible placement (the eligibility engine listed none)"),
)()
UNITS = MessageTemplate("matching.units", gettext_noop("%(amount)s %(resource)s"))
NEVER_FITS = MessageTemplate(
    "matching.unplaced.never_fits",
    gettext_noop(
        "%(placement)s can never hold them: they need %(need)s and it has %(capacity)s in total"
    ),
)
STOPPED_WITH_ROOM = MessageTemplate(
    "matching.unplaced.stopped_with_room",
    gettext_noop(
        "%(placement)s still has room for them, but the search stopped at its time limit "
        "before placing them"
    ),
)
FULL_WITH_HIGHER_TIERS = MessageTemplate(
    "matching.unplaced.full_with_higher_tiers",
    gettext_noop("%(placement)s is full with applicants of higher tiers"),
)
BELOW_SAME_TIER = MessageTemplate(
    "matching.unplaced.below_same_tier",
    gettext_noop(
        "below the score of the lowest-scored applicant of the same tier placed at "
        "%(placement)s by %(points)s points"
    ),
)
TIED_SAME_TIER = MessageTemplate(
    "matching.unplaced.tied_same_tier",
    gettext_noop(
        "tied at score %(score)s with the lowest-scored applicant of the same tier placed "
        "at %(placement)s"
    ),
)
SHORTFALL = MessageTemplate(
    "matching.shortfall", gettext_noop("%(free)s free of %(needed)s needed")
)
LACKS_ROOM_SAME_OR_HIGHER = MessageTemplate(
    "matching.unplaced.lacks_room_same_or_higher",
    gettext_noop(
        "%(placement)s lacks room for them (%(shortfalls)s); the rest is held by applicants of "
        "the same or a higher tier"
    ),
)
LACKS_ROOM_EVEN_COUNTING_LOWER = MessageTemplate(
    "matching.unplaced.lacks_room_even_counting_lower",
    gettext_noop(
        "%(placement)s lacks room for them (%(shortfalls)s), even counting what its lower-tier "
        "applicants hold"
    ),
)
LACKS_ROOM_STOPPED = MessageTemplate(
    "matching.unplaced.lacks_room_stopped",
    gettext_noop(
        "%(placement)s lacks room for them (%(shortfalls)s) while lower-tier applicants hold "
        "enough; the search stopped at its time limit before rearranging them"
    ),
)

#: Every keyed message of the matcher's explanations, by key (the catalogue tests walk it).
UNPLACED_MESSAGES: Mapping[str, MessageTemplate] = templates_by_key(
    NO_OPTIONS.template,
    UNITS,
    NEVER_FITS,
    STOPPED_WITH_ROOM,
    FULL_WITH_HIGHER_TIERS,
    BELOW_SAME_TIER,
    TIED_SAME_TIER,
    SHORTFALL,
    LACKS_ROOM_SAME_OR_HIGHER,
    LACKS_ROOM_EVEN_COUNTING_LOWER,
    LACKS_ROOM_STOPPED,
)


def _units(amount: int, resource: str) -> Message:
    return UNITS(amount=str(amount), resource=Codes([resource], as_written=True))


#: Larger than any tier or score: "no holder" in the per-placement minimums.
_NONE = np.iinfo(np.int64).max


def explain_unplaced(problem: MatchingProblem, assignment: IntArray) -> dict[int, list[Message]]:
    """
    Return applicant index -> reasons, for every applicant the assignment leaves unplaced.

    Everything a reason depends on is computed once for all options with array operations (free
    units, each placement's lowest holder tier, the lowest placed score per placement and tier);
    only the wording is done option by option, so explaining thousands of unplaced applicants
    costs about as much as listing their options.
    """
    placed = assignment != UNPLACED
    usage = np.zeros_like(problem.capacity)
    np.add.at(usage, assignment[placed], problem.demand[placed])
    free = problem.capacity - usage
    tiers = problem.tiers.astype(np.int64)
    holders = np.flatnonzero(placed)
    holder_placement = assignment[holders]
    lowest_holder_tier = np.full(problem.placement_count, _NONE, dtype=np.int64)
    np.minimum.at(lowest_holder_tier, holder_placement, tiers[holders])
    placed_score = np.zeros(problem.applicant_count, dtype=np.int64)
    mine = assignment[problem.option_applicant] == problem.option_placement
    placed_score[problem.option_applicant[mine]] = problem.option_score[mine]
    lowest_same_tier = np.full(
        (problem.placement_count, int(tiers.max(initial=0)) + 1), _NONE, dtype=np.int64
    )
    np.minimum.at(lowest_same_tier, (holder_placement, tiers[holders]), placed_score[holders])

    options = np.flatnonzero(~placed[problem.option_applicant])
    applicants = problem.option_applicant[options]
    placements = problem.option_placement[options]
    need = problem.demand[applicants]
    never_fits = need > problem.capacity[placements]
    short = need > free[placements]
    option_tiers = tiers[applicants]
    all_higher = lowest_holder_tier[placements] > option_tiers
    same_tier_floor = lowest_same_tier[placements, option_tiers]
    any_lower = lowest_holder_tier[placements] < option_tiers

    reasons: dict[int, list[Message]] = {
        applicant: [] for applicant in np.flatnonzero(~placed).tolist()
    }
    names = problem.placement_ids
    never_fits_any: list[bool] = np.any(never_fits, axis=1).tolist()
    short_any: list[bool] = np.any(short, axis=1).tolist()
    rows = zip(
        applicants.tolist(),
        placements.tolist(),
        problem.option_score[options].tolist(),
        never_fits_any,
        short_any,
        all_higher.tolist(),
        same_tier_floor.tolist(),
        any_lower.tolist(),
        strict=True,
    )
    # The common reasons repeat across applicants (one placement full for hundreds of them), and
    # a reason is an immutable string: each distinct one is made once and shared.
    made: dict[tuple[MessageTemplate, str, int], Message] = {}

    def said(template: MessageTemplate, name: str, number: int = 0) -> Message:
        key = (template, name, number)
        message = made.get(key)
        if message is None:
            if template is BELOW_SAME_TIER:
                message = template(placement=name, points=str(number))
            elif template is TIED_SAME_TIER:
                message = template(score=str(number), placement=name)
            else:
                message = template(placement=name)
            made[key] = message
        return message

    for index, (applicant, placement, score, never, lacks, higher, floor, lower) in enumerate(rows):
        name = names[placement]
        if never:
            resource = int(np.argmax(never_fits[index]))
            reason = NEVER_FITS(
                placement=name,
                need=_units(int(need[index, resource]), problem.resources[resource]),
                capacity=str(int(problem.capacity[placement, resource])),
            )
        elif not lacks:
            reason = said(STOPPED_WITH_ROOM, name)
        elif higher:
            reason = said(FULL_WITH_HIGHER_TIERS, name)
        elif floor != _NONE and score < floor:
            reason = said(BELOW_SAME_TIER, name, floor - score)
        elif floor != _NONE and score == floor:
            reason = said(TIED_SAME_TIER, name, score)
        else:
            reason = _room_reason(
                problem,
                applicant=applicant,
                placement=placement,
                free=free[placement],
                short=np.flatnonzero(short[index]).tolist(),
                lower_tiers_hold=lower,
                assignment=assignment,
            )
        reasons[applicant].append(reason)
    for listed in reasons.values():
        if not listed:
            listed.append(NO_OPTIONS)
    return reasons


def _room_reason(
    problem: MatchingProblem,
    *,
    applicant: int,
    placement: int,
    free: IntArray,
    short: list[int],
    lower_tiers_hold: bool,
    assignment: IntArray,
) -> Message:
    """The rarer reasons, when a placement lacks room and neither tier nor score explains it."""
    name = problem.placement_ids[placement]
    need = problem.demand[applicant]
    shortfalls = Joined(
        (
            SHORTFALL(
                free=_units(int(free[resource]), problem.resources[resource]),
                needed=str(int(need[resource])),
            )
            for resource in short
        ),
        ", ",
    )
    if not lower_tiers_hold:
        return LACKS_ROOM_SAME_OR_HIGHER(placement=name, shortfalls=shortfalls)
    tier = problem.tiers[applicant]
    lower = (assignment == placement) & (problem.tiers < tier)
    lower_usage = problem.demand[lower].sum(axis=0)
    if any(need[resource] > free[resource] + lower_usage[resource] for resource in short):
        return LACKS_ROOM_EVEN_COUNTING_LOWER(placement=name, shortfalls=shortfalls)
    return LACKS_ROOM_STOPPED(placement=name, shortfalls=shortfalls)
