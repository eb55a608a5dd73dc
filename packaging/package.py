"""Build ketaref's Linux packages and, with ``--check``, prove they work (run by scripts/package).

Builds ``dist/ketaref/`` (PyInstaller onedir, see build.spec) and
``dist/ketaref_VERSION_amd64.deb`` (dpkg-deb, no debhelper). The check runs the frozen app from
another directory, looks for bundled libraries whose dependencies were pruned, installs or
extracts the .deb and runs it, runs lintian and desktop-file-validate, and measures sizes and
start-up time against the limits in the packaging issue. Exit 0 when everything held.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
DIST = ROOT / "dist"
BUNDLE = DIST / "ketaref"
WORK = ROOT / "build" / "package"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(LINUX))

from trim_icu import trim_icu_data  # noqa: E402

from ketaref import __version__  # noqa: E402

MIB = 1024 * 1024
ONEDIR_LIMIT_MIB, ONEDIR_GOAL_MIB = 120, 100
DEB_LIMIT_MIB, DEB_GOAL_MIB = 45, 35
START_RATIO_LIMIT = 1.5
START_RUNS = 5
#: Settle the xz level by size and time: -9 saves little on shared libraries and costs minutes.
DEB_COMPRESSION = ("-Zxz", "-z6")
MAINTAINER = "ketaref maintainers <maintainers@ketaref.org>"
DESCRIPTION = """\
Description: reference for ketamine and esketamine treatment sessions
 A desktop reference clinicians open on clinic workstations before and during
 ketamine and esketamine treatments: published dosing protocols, monitoring
 checklists and contraindication lists, every statement with its source; a
 weight-based dose calculator with the formula in view; and a printed
 per-session checklist. IT controls settings with /etc/ketaref/policy.toml and
 can check an install with `ketaref self-test`.
"""
#: Bundled fonts Debian ships too: the .deb links to the system copy instead (lintian:
#: duplicate-font-file) and depends on its package, so font fixes arrive with system updates.
SYSTEM_FONTS = {
    "DejaVuSans.ttf": ("fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "DejaVuSans-Bold.ttf": (
        "fonts-dejavu-core",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
}


class CheckFailed(Exception):
    """A packaging check failed; the message says which and why."""


def run(command: Sequence[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command, failing loudly with its output when it fails."""
    printable = " ".join(str(part) for part in command[:3]) + (" …" if len(command) > 3 else "")
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, **kwargs
    )  # type: ignore[call-overload]
    if result.returncode != 0:
        raise CheckFailed(
            f"`{printable}` exited {result.returncode}:\n{result.stdout}{result.stderr}".rstrip()
        )
    return result


def tree_size(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def is_elf(path: Path) -> bool:
    """Whether ``path`` is an ELF binary or shared library."""
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def elf_files(root: Path) -> list[Path]:
    """Every ELF file under ``root``."""
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))


# --- building ----------------------------------------------------------------------------------


def build_onedir() -> None:
    """Run PyInstaller on build.spec, then shrink the ICU data library."""
    started = time.monotonic()
    run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", DIST, "--workpath", ROOT / "build" / "pyinstaller", ROOT / "build.spec"],
        cwd=ROOT,
    )  # fmt: skip
    for library in (BUNDLE / "_internal").rglob("libicudata.so.*"):
        if library.is_symlink():
            continue
        before, after = trim_icu_data(library)
        print(f"trimmed {library.name}: {before / MIB:.1f} MiB -> {after / MIB:.1f} MiB")
    print(f"built {BUNDLE.relative_to(ROOT)}/ in {time.monotonic() - started:.0f} s")


def _gzip_into(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
        zipped.write(source.read_bytes())  # mtime 0 and no name: reproducible (lintian asks -n)


def _install(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def _changelog_version() -> str:
    first = (LINUX / "changelog").read_text(encoding="utf-8").splitlines()[0]
    return first.split("(", 1)[1].split(")", 1)[0]


def stage_deb_tree() -> Path:
    """Lay out the package's files under build/package/debian/ketaref; return that root."""
    root = WORK / "debian" / "ketaref"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(BUNDLE, root / "opt" / "ketaref", symlinks=True)
    for font in (root / "opt/ketaref/_internal/resources/fonts").glob("*"):
        if font.name in SYSTEM_FONTS:
            font.unlink()
            font.symlink_to(SYSTEM_FONTS[font.name][1])
    executable = root / "opt" / "ketaref" / "ketaref"
    for path in (root / "opt").rglob("*"):  # only the launcher is executable; libraries 0644
        if path.is_file() and not path.is_symlink():
            path.chmod(0o755 if path == executable else 0o644)
    (root / "usr" / "bin").mkdir(parents=True)
    # Absolute: Debian policy wants links across top-level directories absolute.
    (root / "usr" / "bin" / "ketaref").symlink_to("/opt/ketaref/ketaref")
    _install(LINUX / "ketaref.desktop", root / "usr/share/applications/ketaref.desktop")
    icons = ROOT / "resources" / "icons"
    hicolor = root / "usr/share/icons/hicolor"
    _install(icons / "ketaref.svg", hicolor / "scalable/apps/ketaref.svg")
    for png in icons.glob("ketaref-*.png"):
        size = png.stem.split("-")[1]
        _install(png, hicolor / f"{size}x{size}/apps/ketaref.png")
    # Every key commented out: the installed policy changes nothing until IT edits it.
    _install(ROOT / "packaging" / "policy.example.toml", root / "etc/ketaref/policy.toml")
    doc = root / "usr/share/doc/ketaref"
    _install(LINUX / "copyright", doc / "copyright")
    _gzip_into(LINUX / "changelog", doc / "changelog.gz")
    _gzip_into(LINUX / "ketaref.1", root / "usr/share/man/man1/ketaref.1.gz")
    _install(LINUX / "lintian-overrides", root / "usr/share/lintian/overrides/ketaref")
    for directory in [root, *root.rglob("*")]:
        if directory.is_dir() and not directory.is_symlink():
            directory.chmod(0o755)
    return root


def debian_depends(root: Path) -> str:
    """The Depends line dpkg-shlibdeps derives from every bundled binary's system libraries."""
    control = WORK / "debian" / "control"
    control.write_text(
        f"Source: ketaref\nMaintainer: {MAINTAINER}\n\nPackage: ketaref\nArchitecture: amd64\n"
        + DESCRIPTION,
        encoding="utf-8",
    )
    private_dirs = sorted({str(p.parent) for p in (root / "opt").rglob("*.so*")})
    result = run(
        ["dpkg-shlibdeps", "-O", "--ignore-missing-info", "-xketaref",
         *(f"-l{d}" for d in private_dirs), *(f"-e{p}" for p in elf_files(root / "opt"))],
        cwd=WORK,
    )  # fmt: skip
    font_packages = {
        package
        for package, target in SYSTEM_FONTS.values()
        if any(p.is_symlink() and os.readlink(p) == target for p in (root / "opt").rglob("*.ttf"))
    }
    for line in result.stdout.splitlines():
        if line.startswith("shlibs:Depends="):
            return ", ".join([line.split("=", 1)[1], *sorted(font_packages)])
    raise CheckFailed("dpkg-shlibdeps found no dependencies at all")


def write_control(root: Path) -> None:
    """DEBIAN/control, conffiles and md5sums."""
    debian = root / "DEBIAN"
    debian.mkdir(mode=0o755)
    installed_kib = (tree_size(root) + 1023) // 1024
    (debian / "control").write_text(
        f"Package: ketaref\nVersion: {__version__}\nArchitecture: amd64\n"
        f"Maintainer: {MAINTAINER}\nInstalled-Size: {installed_kib}\n"
        f"Depends: {debian_depends(root)}\nSection: science\nPriority: optional\n"
        "Homepage: https://ketaref.org\n" + DESCRIPTION,
        encoding="utf-8",
    )
    (debian / "conffiles").write_text("/etc/ketaref/policy.toml\n", encoding="utf-8")
    sums = [
        f"{hashlib.md5(path.read_bytes()).hexdigest()}  {path.relative_to(root)}"
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink() and debian not in path.parents
        and not str(path.relative_to(root)).startswith("etc/")
    ]  # fmt: skip
    (debian / "md5sums").write_text("\n".join(sums) + "\n", encoding="utf-8")
    for path in debian.iterdir():
        path.chmod(0o644)


def build_deb() -> Path:
    """Build dist/ketaref_VERSION_amd64.deb from dist/ketaref/; return its path."""
    if _changelog_version() != __version__:
        raise CheckFailed(
            f"packaging/linux/changelog starts at {_changelog_version()}, the app is "
            f"{__version__}: add a changelog entry for this version"
        )
    started = time.monotonic()
    root = stage_deb_tree()
    write_control(root)
    deb = DIST / f"ketaref_{__version__}_amd64.deb"
    run(["dpkg-deb", "--root-owner-group", *DEB_COMPRESSION, "--build", root, deb])
    print(f"built {deb.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")
    return deb


# --- checking ----------------------------------------------------------------------------------


class Report:
    """Collects check outcomes; prints each as it happens, like ``ketaref self-test``."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def ok(self, step: str, detail: str = "") -> None:
        print(f"ok  {step}" + (f": {detail}" if detail else ""), flush=True)

    def fail(self, step: str, reason: str) -> None:
        self.failures.append(step)
        print(f"FAIL {step}: {reason}", flush=True)

    def attempt(self, step: str, command: Sequence[str | Path], **kwargs: object) -> str | None:
        """Run ``command`` as one step; ok with its last line, or FAIL with its output (None)."""
        try:
            output = run(command, **kwargs).stdout.strip()
        except CheckFailed as failure:
            self.fail(step, str(failure))
            return None
        self.ok(step, output.splitlines()[-1] if output else "")
        return output


def app_environment() -> dict[str, str]:
    """Environment for running the app headless, as CI and a new install would."""
    environment = dict(os.environ)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    environment.pop("PYTHONPATH", None)
    return environment


def check_missing_libraries(report: Report) -> None:
    """No bundled binary may need a library that is neither bundled nor on the system."""
    environment = dict(os.environ, LD_LIBRARY_PATH=str(BUNDLE / "_internal"))
    missing = []
    for path in elf_files(BUNDLE):
        output = subprocess.run(
            ["ldd", str(path)], capture_output=True, text=True, env=environment, check=False
        ).stdout
        missing += [
            f"{path.relative_to(BUNDLE)} needs {line.split()[0]}"
            for line in output.splitlines()
            if "not found" in line
        ]
    if missing:
        report.fail("bundled libraries resolve", "; ".join(missing[:8]))
    else:
        report.ok(
            "bundled libraries resolve",
            f"ldd finds every dependency of {len(elf_files(BUNDLE))} binaries",
        )


def check_frozen_app(report: Report, executable: Path, label: str) -> None:
    """self-test, --version and --exit-after-startup of ``executable``, run from /tmp."""
    environment = app_environment()
    output = report.attempt(
        f"{label} self-test", [executable, "self-test"], cwd="/tmp", env=environment
    )
    if output is not None and "C speed-ups in use" not in output:
        report.fail(f"{label} PDF speed-ups", "reportlab's _rl_accel is not in the bundle")
    report.attempt(f"{label} --version", [executable, "--version"], cwd="/tmp", env=environment)
    report.attempt(
        f"{label} --exit-after-startup",
        [executable, "--exit-after-startup"], cwd="/tmp", env=environment,
    )  # fmt: skip


def check_deb(report: Report, deb: Path) -> None:
    """Install the .deb and run it (CI, as root), or extract it and run it from there."""
    if os.environ.get("CI") == "true" and os.geteuid() == 0:
        # apt-get resolves Depends, which proves they name installable packages.
        installed = report.attempt(
            "install the .deb", ["apt-get", "install", "-y", "-qq", "--no-install-recommends", deb]
        )
        if installed is not None:
            try:
                check_frozen_app(report, Path("/usr/bin/ketaref"), "installed")
                conffile = Path("/etc/ketaref/policy.toml")
                if conffile.is_file():
                    report.ok("conffile", f"{conffile} installed")
                else:
                    report.fail("conffile", f"{conffile} is missing after install")
            finally:
                report.attempt("purge the .deb", ["dpkg", "--purge", "ketaref"])
        return
    with tempfile.TemporaryDirectory(prefix="ketaref-deb-") as scratch:
        run(["dpkg-deb", "-x", deb, scratch])
        link = Path(scratch) / "usr/bin/ketaref"
        if os.readlink(link) != "/opt/ketaref/ketaref":
            report.fail("/usr/bin/ketaref", f"points at {os.readlink(link)}")
        check_frozen_app(report, Path(scratch) / "opt/ketaref/ketaref", "extracted .deb")


def check_lint(report: Report, deb: Path) -> None:
    """lintian (no errors allowed; warnings listed) and desktop-file-validate."""
    result = subprocess.run(
        ["lintian", "--tag-display-limit", "0", str(deb)],
        capture_output=True,
        text=True,
        check=False,
    )
    tags = [line for line in result.stdout.splitlines() if line[:2] in ("E:", "W:", "I:")]
    errors = [line for line in tags if line.startswith("E:")]
    for line in tags:
        print(f"     lintian {line}")
    if errors:
        report.fail("lintian", f"{len(errors)} errors")
    else:
        report.ok("lintian", f"no errors, {len(tags)} other tags")
    report.attempt("desktop-file-validate", ["desktop-file-validate", LINUX / "ketaref.desktop"])


def median_start_seconds(command: Sequence[str | Path]) -> float:
    """Median wall time of ``command`` over START_RUNS runs after one warm-up run, from /tmp."""
    environment = app_environment()
    times = []
    for attempt in range(START_RUNS + 1):
        started = time.perf_counter()
        run(command, cwd="/tmp", env=environment)
        if attempt:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def check_numbers(report: Report, deb: Path) -> None:
    """Sizes against their limits and goals; frozen start-up time against python's."""
    onedir = tree_size(BUNDLE) / MIB
    deb_size = deb.stat().st_size / MIB
    for step, size, limit, goal in (
        ("onedir size", onedir, ONEDIR_LIMIT_MIB, ONEDIR_GOAL_MIB),
        (".deb size", deb_size, DEB_LIMIT_MIB, DEB_GOAL_MIB),
    ):
        verdict = "goal met" if size <= goal else f"over the {goal} MiB goal"
        if size <= limit:
            report.ok(step, f"{size:.1f} MiB (limit {limit}, {verdict})")
        else:
            report.fail(step, f"{size:.1f} MiB, over the {limit} MiB limit")
    python = ROOT / ".venv" / "bin" / "python"
    frozen_s = median_start_seconds([BUNDLE / "ketaref", "--exit-after-startup"])
    python_s = median_start_seconds([python, "-m", "ketaref", "--exit-after-startup"])
    ratio = frozen_s / python_s
    detail = (
        f"--exit-after-startup: frozen {frozen_s * 1000:.0f} ms, python -m ketaref "
        f"{python_s * 1000:.0f} ms, ratio {ratio:.2f} (median of {START_RUNS}; "
        f"limit {START_RATIO_LIMIT})"
    )
    if ratio <= START_RATIO_LIMIT:
        report.ok("start-up time", detail)
    else:
        report.fail("start-up time", detail)


def check(deb: Path) -> int:
    """Run every check on the built packages; return the exit code."""
    with tempfile.TemporaryDirectory(prefix="ketaref-check-state-") as state:
        os.environ["KETAREF_STATE_DIR"] = state  # the app's state stays out of the user's home
        return _check_all(deb)


def _check_all(deb: Path) -> int:
    report = Report()
    check_missing_libraries(report)
    check_frozen_app(report, BUNDLE / "ketaref", "frozen")
    check_deb(report, deb)
    check_lint(report, deb)
    check_numbers(report, deb)
    if report.failures:
        print(f"package check FAILED: {', '.join(report.failures)}")
        return 1
    print("package check passed")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Build the onedir bundle and the .deb; with --check, verify them."""
    parser = argparse.ArgumentParser(prog="scripts/package", description=__doc__)
    parser.add_argument("--check", action="store_true", help="verify the built packages")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        build_onedir()
        deb = build_deb()
        status = check(deb) if args.check else 0
    except CheckFailed as failure:
        print(f"scripts/package: {failure}", file=sys.stderr)
        return 1
    print(f"scripts/package took {time.monotonic() - started:.0f} s")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
