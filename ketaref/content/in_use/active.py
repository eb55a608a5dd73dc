"""Which content pack is in use, and why.

The bundled pack, unless the machine policy names a site pack (``content_dir``). A site pack is
used only if it is complete, valid, signed by a trusted key (unless the policy lets unsigned packs
through), not older than the newest site pack this machine trusted before, not a different pack
under an already-trusted version number, and (with ``expired_content = "block"``) not expired; the
checks and the verified copy in the user's state dir are in ``ketaref.content.lifecycle.site_pack``.

A refused site pack falls back to the last good pack — the kept copy if it still verifies (a copy
shown to be bad is removed; one that cannot be checked this time, e.g. while a trusted key cannot
be read, is kept but not used), else the bundled pack — and the user is told why in one line.
Never a mix of two packs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ketaref import paths
from ketaref.content.format.local_rules import NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.format.pack import MANIFEST, Library, load_pack
from ketaref.content.format.problems import ContentProblem
from ketaref.policy import Policy, load_policy


@dataclass(frozen=True)
class ActiveContent:
    """The pack in use, where it came from, and what the user must be told about it."""

    library: Library
    origin: str
    notices: tuple[str, ...] = ()
    refused_problems: tuple[ContentProblem, ...] = field(default=())
    #: Past the pack's ``expires`` date (and the policy says warn): printouts carry a mark.
    expired: bool = False
    #: A site pack named by the policy was refused; the library is the last good pack.
    refused: bool = False
    #: Why it was refused and what is used instead (also among ``notices``).
    refusal: str = ""
    #: The clinic's local rules in force on top of the pack (their notices are among ``notices``).
    local_rules: LocalRulesInForce = NO_LOCAL_RULES


def load_active_content(
    policy: Policy | None = None, *, today: dt.date | None = None
) -> ActiveContent:
    """Load the pack the app should use now (raises ContentError if even the bundled one fails).

    ``policy`` defaults to the machine policy (without user settings; they do not decide content).
    """
    policy = policy if policy is not None else load_policy()
    today = today or dt.datetime.now().astimezone().date()
    source = policy.content_dir
    if source is None:
        library, expired, notice = _bundled_library(today)
        return ActiveContent(library, "bundled", (notice,) if notice else (), (), expired)

    from ketaref.content.format.local_rules import LOCAL_RULES
    from ketaref.content.lifecycle.local_rules_gate import RulesGate
    from ketaref.content.lifecycle.site_pack import PackRefused, SiteGate, describe

    gate = SiteGate(policy, today)
    with gate.exclusive():
        if _present(source / LOCAL_RULES) and not _present(source / MANIFEST):
            # Local rules alone in the folder: the bundled pack, with the clinic's values on top.
            library, expired, notice = _bundled_library(today)
            rules = RulesGate(gate, library).decide(source)
            notices = [*gate.notices, *([notice] if notice else []), *rules.notices]
            return ActiveContent(library, "bundled", tuple(notices), (), expired, local_rules=rules)
        try:
            library, expired, notice = gate.accept(source)
        except PackRefused as refusal:
            kept = gate.kept_copy()
            if kept is not None:
                library, expired, notice = kept
                fallback = f"using the last trusted site pack {describe(library)}"
                origin = f"last trusted site pack (kept copy of {source})"
            else:
                library, expired, notice = _bundled_library(today)
                fallback = f"using the bundled content {describe(library)}"
                origin = "bundled"
            message = f"the site pack at {source} was refused: {refusal.reason}; {fallback}"
            rules = RulesGate(gate, library).decide(source)
            notices = [*gate.notices, message, *([notice] if notice else []), *rules.notices]
            return ActiveContent(
                library,
                origin,
                tuple(notices),
                refusal.problems,
                expired,
                refused=True,
                refusal=message,
                local_rules=rules,
            )
        rules = RulesGate(gate, library).decide(source)
    notices = [*gate.notices, *([notice] if notice else []), *rules.notices]
    return ActiveContent(
        library, f"site pack {source}", tuple(notices), (), expired, local_rules=rules
    )


def _present(path: Path) -> bool:
    """Whether ``path`` exists; one that cannot even be looked at counts as absent here."""
    try:
        path.lstat()
    except OSError:
        return False
    return True


def _bundled_library(today: dt.date) -> tuple[Library, bool, str | None]:
    library = load_pack(paths.bundled_content_dir())
    expires = library.manifest.expires
    if expires is None or today <= expires:
        return library, False, None
    # There is nothing to fall back to from the bundled pack: warn even under "block".
    return library, True, f"the bundled content expired on {expires.isoformat()}; install an update"
