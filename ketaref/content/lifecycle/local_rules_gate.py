"""Which local rules are in force: delivered, signed and kept like site packs.

Local rules are in force when ``local-rules.yaml`` (and, unless the policy allows unsigned content,
its signature ``local-rules.yaml.sig``) lie in the policy's ``content_dir``, with or without a site
pack there. The same keys, trust policy and install lock as site packs apply
(``site_pack.SiteGate``), and the same order: the signature is checked over the file's exact bytes
before any YAML is parsed; then the file is checked against the slots of the content in use; a
version older than the newest this machine trusted, or a changed file under a trusted version, is
refused (a rollback); with ``expired_content = "block"``, so is a file past its review date.

An accepted file is copied into the user's state dir (``trusted-local-rules/<sha256>.yaml``) and
``local-rules-trust.json`` names it: that write is the commit point. A refused file falls back to
that kept copy if it still verifies, else to no local rules; never a mix of two files. The record
is handled as the site pack's: one that cannot be read (or is not a file) keeps every copy and
puts no local rules in force; a readable but damaged one counts as nothing trusted yet.
"""

from __future__ import annotations

import dataclasses
import hashlib
from contextlib import suppress
from pathlib import Path

from ketaref.atomic import write_atomically
from ketaref.content.format.local_rules import (
    LOCAL_RULES,
    MAX_LOCAL_RULES_BYTES,
    NO_LOCAL_RULES,
    DeclaredSlot,
    LocalRules,
    LocalRulesCheck,
    LocalRulesInForce,
    check_local_rules,
    declared_slots,
    retired_slots,
)
from ketaref.content.format.pack import Library
from ketaref.content.format.problems import ContentError, ContentProblem
from ketaref.content.lifecycle.signing import (
    SignatureRefused,
    check_signature,
    key_id,
    load_private_key,
    parse_signature,
    signature_text,
)
from ketaref.content.lifecycle.site_pack import (
    SiteGate,
    TrustRecord,
    TrustStateError,
    read_trust_state,
    write_trust_state,
)
from ketaref.safe_read import FileRefused, path_trouble, read_file
from ketaref.text import first_few

LOCAL_RULES_TRUST = "local-rules-trust.json"
KEPT_RULES = "trusted-local-rules"
_MAX_SIGNATURE_BYTES = 4 * 1024


def signature_path(rules_file: Path) -> Path:
    """Where the signature of a local-rules file lies: beside it, ``NAME.sig``."""
    return rules_file.with_name(rules_file.name + ".sig")


class RulesRefused(Exception):
    """Local rules that must not be used, with the one-line reason and every problem."""

    def __init__(self, reason: str, problems: tuple[ContentProblem, ...] = ()):
        super().__init__(reason)
        self.reason = reason
        self.problems = problems


def slots_of(library: Library) -> dict[str, DeclaredSlot]:
    """The slots the pack in use declares."""
    return declared_slots(item for _, item in library.items())


def check_rules_file(raw: bytes, display: str, library: Library) -> LocalRulesCheck:
    """Check the bytes of a local-rules file against the pack in use."""
    retired = retired_slots(item for _, item in library.items())
    return check_local_rules(raw, display, slots_of(library), library.version, retired)


def read_rules_file(path: Path) -> bytes:
    """The bytes of a local-rules file through the safe reader; FileRefused otherwise."""
    return read_file(path, MAX_LOCAL_RULES_BYTES, follow_links=False, what="a local-rules file")


def sign_local_rules(path: Path, key_path: Path, library: Library) -> str:
    """Check ``path`` against the pack in use, then write its signature beside it; the key id.

    Raises SigningError (key), FileRefused (file not read), RulesRefused (file has problems),
    OSError (signature not written).
    """
    private_key = load_private_key(key_path)
    raw = read_rules_file(path)
    check = check_rules_file(raw, str(path), library)
    problems = check.problems + check.reconfirm
    if problems:
        raise RulesRefused("the file has problems and was not signed", problems)
    write_atomically(signature_path(path), signature_text(private_key, raw))
    return key_id(private_key.public_key())


class RulesGate:
    """Decides, inside a ``SiteGate.exclusive()`` block, which local rules are in force."""

    def __init__(self, gate: SiteGate, library: Library):
        self.gate = gate
        self.library = library
        self.kept = gate.state / KEPT_RULES
        self.notices: list[str] = []

    def decide(self, folder: Path) -> LocalRulesInForce:
        """The rules in force for ``folder`` (the policy's ``content_dir``)."""
        source = folder / LOCAL_RULES
        try:
            record = read_trust_state(self.gate.state, LOCAL_RULES_TRUST)
        except TrustStateError as exc:
            if exc.unreadable:
                # As for site packs: no evidence about the kept copy, which stays; nothing used.
                return self._fallback(None, source, exc.refusal("local rules"))
            # Readable but not a record, as for site packs: nothing trusted yet, recorded afresh.
            self.notices.append(f"the record of trusted local rules is damaged: {exc}")
            record = None
        try:
            source.lstat()
        except FileNotFoundError:
            if record is None:
                return NO_LOCAL_RULES
            return self._fallback(record, source, f"{source} is missing")
        except OSError as exc:
            return self._fallback(
                record, source, f"{source} cannot be read: {path_trouble(exc, source)}"
            )
        try:
            return self._accept(source, record)
        except RulesRefused as refusal:
            return self._fallback(record, source, refusal.reason, refusal.problems)

    def _verified(self, raw: bytes, signature: bytes | None, display: str) -> LocalRulesCheck:
        """Signature first (when required), then the file against the content in use."""
        if self.gate.policy.require_signed_content:
            if signature is None:
                raise RulesRefused(f"{display} is not signed (no {display}.sig)")
            try:
                parsed = parse_signature(signature, f"{display}.sig")
                check_signature(raw, parsed, self.gate.keys, f"{display}: the file")
            except SignatureRefused as exc:
                raise RulesRefused(f"{exc}{self.gate.keys_unread()}") from None
        check = check_rules_file(raw, display, self.library)
        if check.problems or check.rules is None:
            named = first_few([str(problem) for problem in check.problems])
            raise RulesRefused(f"it has problems ({named})", check.problems)
        return check

    def _read(self, path: Path, optional: bool = False) -> bytes | None:
        try:
            if path.suffix == ".sig":
                return read_file(path, _MAX_SIGNATURE_BYTES, follow_links=False, what="a signature")
            return read_rules_file(path)
        except FileRefused as refused:
            if optional and refused.missing:
                return None
            raise RulesRefused(str(refused)) from None

    def _accept(self, source: Path, record: TrustRecord | None) -> LocalRulesInForce:
        raw = self._read(source)
        assert raw is not None
        signature = self._read(signature_path(source), optional=True)
        check = self._verified(raw, signature, LOCAL_RULES)
        rules = check.rules
        assert rules is not None
        digest = hashlib.sha256(raw).hexdigest()
        if record is not None:
            if rules.version_tuple() < record.version_tuple():
                raise RulesRefused(
                    f"it is version {rules.version}, older than version {record.version} this"
                    " machine already trusted (a rollback)"
                )
            if rules.version_tuple() == record.version_tuple() and digest != record.manifest_sha256:
                raise RulesRefused(
                    f"it differs from the version {record.version} this machine already trusted"
                    " (a changed file must get a new version number)"
                )
        past_review = self._review(rules)
        kept = self.kept / f"{digest}.yaml"
        if record is None or record.manifest_sha256 != digest or not kept.is_file():
            self._install(raw, signature, digest, rules.version)
        return self._in_force(check, f"{source}", past_review)

    def _review(self, rules: LocalRules) -> bool:
        if not rules.past_review(self.gate.today):
            return False
        due = rules.review_due.isoformat()
        if self.gate.policy.expired_content == "block":
            raise RulesRefused(
                f"its review date {due} has passed and the machine policy blocks expired content"
            )
        self.notices.append(
            f"the local rules {rules.document} passed their review date on {due}; their values"
            " are marked “past review date” until the clinic re-approves them"
        )
        return True

    def _in_force(
        self, check: LocalRulesCheck, origin: str, past_review: bool
    ) -> LocalRulesInForce:
        for problem in check.reconfirm:
            self.notices.append(f"local rule not used: {problem.message}")
        return LocalRulesInForce(check.rules, origin, tuple(self.notices), past_review=past_review)

    def _install(self, raw: bytes, signature: bytes | None, digest: str, version: str) -> None:
        """Keep a copy named by its hash, then commit by writing the trust record."""
        try:
            self.kept.mkdir(parents=True, exist_ok=True)
            write_atomically(self.kept / f"{digest}.yaml", raw)
            if signature is not None:
                write_atomically(self.kept / f"{digest}.yaml.sig", signature)
            write_trust_state(self.gate.state, TrustRecord(version, digest), LOCAL_RULES_TRUST)
        except OSError as exc:
            raise RulesRefused(
                f"it could not be copied into {self.kept} ({exc.strerror or exc})"
            ) from None
        for stale in self.kept.iterdir():
            if not stale.name.startswith(digest):
                with suppress(OSError):
                    stale.unlink()

    def _fallback(
        self,
        record: TrustRecord | None,
        source: Path,
        reason: str,
        problems: tuple[ContentProblem, ...] = (),
    ) -> LocalRulesInForce:
        kept = self._kept_copy(record)
        if kept is None:
            refusal = f"the local rules at {source} were refused: {reason}; none are in force"
            self.notices.insert(0, refusal)
            return LocalRulesInForce(None, "", tuple(self.notices), refusal, problems)
        check, past_review = kept
        assert check.rules is not None
        refusal = (
            f"the local rules at {source} were refused: {reason}; using the last trusted local"
            f" rules, version {check.rules.version}"
        )
        self.notices.insert(0, refusal)
        in_force = self._in_force(check, f"kept copy of {source}", past_review)
        return dataclasses.replace(in_force, refusal=refusal, problems=problems)

    def _kept_copy(self, record: TrustRecord | None) -> tuple[LocalRulesCheck, bool] | None:
        """The last trusted file if it still verifies against the content in use."""
        if record is None:
            return None
        copy = self.kept / f"{record.manifest_sha256}.yaml"
        try:
            raw = self._read(copy)
            assert raw is not None
            if hashlib.sha256(raw).hexdigest() != record.manifest_sha256:
                raise RulesRefused("the kept copy is not the file the trust record names")
            signature = self._read(signature_path(copy), optional=True)
            check = self._verified(raw, signature, LOCAL_RULES)
            assert check.rules is not None
            return check, self._review(check.rules)
        except (RulesRefused, ContentError) as exc:
            self.notices.append(f"the kept copy of the local rules is not used: {exc}")
            return None
