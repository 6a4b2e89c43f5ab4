"""
A state machine that advises: given a status, a role and the requirements the caller has
checked, which moves are allowed and, for the blocked ones, why not in plain words.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from haven.domain.lifecycle.states import CaseStatus, RelocationStatus, Requirement, Role

StatusT = TypeVar("StatusT", CaseStatus, RelocationStatus)

_ROLE_WORDS: dict[Role, str] = {
    Role.COORDINATOR: "a coordinator",
    Role.CASEWORKER: "a caseworker",
    Role.LEGAL_ADVISER: "a legal adviser",
}


@dataclass(frozen=True)
class Transition(Generic[StatusT]):
    """One allowed move, with its label, the roles that may make it, its guards and its source."""

    source: StatusT
    target: StatusT
    label: str
    roles: frozenset[Role]
    requirements: tuple[Requirement, ...] = ()
    rule_source: str = "Haven case lifecycle (docs/case-lifecycle.md)"

    def blocked_by(self, *, role: str, satisfied: Collection[str]) -> tuple[str, ...]:
        """Return the reasons, in plain words, why this role cannot make this move now."""
        reasons: list[str] = []
        if role not in self.roles:
            allowed = " or ".join(_ROLE_WORDS[r] for r in sorted(self.roles))
            reasons.append(f"only {allowed} may do this")
        reasons.extend(
            f"needs: {requirement.description}"
            for requirement in self.requirements
            if requirement not in satisfied
        )
        return tuple(reasons)


@dataclass(frozen=True)
class TransitionOption(Generic[StatusT]):
    """A possible next status, and either that it is allowed or why it is blocked."""

    transition: Transition[StatusT]
    blocked_by: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.blocked_by

    @property
    def target(self) -> StatusT:
        return self.transition.target


class TransitionError(ValueError):
    """An illegal move: no such transition, a role that may not make it, or unmet requirements."""

    def __init__(self, message: str, *, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = reasons


@dataclass(frozen=True)
class StateMachine(Generic[StatusT]):
    """A set of statuses and the transitions between them, with an initial and final statuses."""

    name: str
    initial: StatusT
    final: frozenset[StatusT]
    transitions: tuple[Transition[StatusT], ...]
    _by_source: dict[StatusT, tuple[Transition[StatusT], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_source: dict[StatusT, list[Transition[StatusT]]] = {}
        seen: set[tuple[StatusT, StatusT]] = set()
        for transition in self.transitions:
            key = (transition.source, transition.target)
            if key in seen:
                raise ValueError(f"duplicate transition {transition.source} -> {transition.target}")
            seen.add(key)
            by_source.setdefault(transition.source, []).append(transition)
        frozen = {source: tuple(moves) for source, moves in by_source.items()}
        object.__setattr__(self, "_by_source", frozen)

    @property
    def statuses(self) -> tuple[StatusT, ...]:
        return tuple(type(self.initial))

    def transitions_from(self, status: StatusT) -> tuple[Transition[StatusT], ...]:
        """Return every transition out of ``status``, allowed or not."""
        return self._by_source.get(status, ())

    def options(
        self, status: StatusT, *, role: str, satisfied: Iterable[str] = ()
    ) -> tuple[TransitionOption[StatusT], ...]:
        """Return each possible next status with the reasons it is blocked (none if allowed)."""
        met = frozenset(satisfied)
        return tuple(
            TransitionOption(transition, transition.blocked_by(role=role, satisfied=met))
            for transition in self.transitions_from(status)
        )

    def allowed_targets(
        self, status: StatusT, *, role: str, satisfied: Iterable[str] = ()
    ) -> tuple[StatusT, ...]:
        """Return the statuses this role may move to now."""
        return tuple(
            option.target
            for option in self.options(status, role=role, satisfied=satisfied)
            if option.allowed
        )

    def transition(
        self, status: StatusT, target: StatusT, *, role: str, satisfied: Iterable[str] = ()
    ) -> Transition[StatusT]:
        """
        Return the transition from ``status`` to ``target`` if this role may make it now.

        Raises ``TransitionError`` naming every reason the move is refused, so the caller can
        show it as it is; the message holds status and requirement names only, never case data.
        """
        for candidate in self.transitions_from(status):
            if candidate.target == target:
                reasons = candidate.blocked_by(role=role, satisfied=frozenset(satisfied))
                if reasons:
                    raise TransitionError(
                        f"A {self.name} cannot move from {status.value} to {target.value}"
                        f" ({candidate.label}) yet: " + "; ".join(reasons) + ".",
                        reasons=reasons,
                    )
                return candidate
        nexts = ", ".join(t.target.value for t in self.transitions_from(status))
        follow = (
            f"from {status.value} it can go to: {nexts}" if nexts else f"{status.value} is final"
        )
        raise TransitionError(
            f"A {self.name} cannot move from {status.value} to {target.value}; {follow}.",
            reasons=(f"no transition from {status.value} to {target.value}",),
        )

    def reachable_from(self, status: StatusT) -> frozenset[StatusT]:
        """Return every status reachable from ``status`` (itself included), ignoring guards."""
        seen = {status}
        queue = deque([status])
        while queue:
            for transition in self.transitions_from(queue.popleft()):
                if transition.target not in seen:
                    seen.add(transition.target)
                    queue.append(transition.target)
        return frozenset(seen)
