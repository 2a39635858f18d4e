#!/usr/bin/env python3
"""Find or make a Python interpreter that imports Odoo 18.0.

Used by ``scripts/run-tests`` and ``scripts/try-it``: prints the path of the
interpreter to use on standard output, everything else on standard error.

Decisions, in order:

1. ``PYTHON`` is set: that interpreter must import Odoo 18.0; nothing is
   installed.
2. ``python3`` imports Odoo 18.0: it is used as it is.
3. ``.venv/`` (at the repository root) imports Odoo 18.0: it is reused.
4. Otherwise ``.venv/`` is created and Odoo 18.0 is installed into it from
   ``ODOO_SOURCE``: a directory holding an Odoo 18.0 source tree, a ``.tar.gz``
   of one, an ``https://`` URL of such an archive, or, unset, Odoo's own 18.0
   nightly source archive (``DEFAULT_ODOO_SOURCE``). Then Odoo's
   ``requirements.txt`` (adapted to what this machine can build) and the
   project's requirements are installed.

A failure stops with one sentence saying what to set (exit status 2).
"""

import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ODOO_SOURCE = (
    "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
)
ODOO_SERIES = "18.0"
# Run by a candidate interpreter: exit 0 when it imports Odoo of our series.
PROBE_ODOO = (
    "import odoo.release, sys; "
    "sys.exit(0 if odoo.release.serie == %r else 3)" % ODOO_SERIES
)
# sdists that import pkg_resources (e.g. vobject's, pyusb's) do not build with
# setuptools 70 or newer, which pip's isolated build environment takes.
BUILD_CONSTRAINTS = "setuptools<70\n"
# Installed with Odoo although its requirements.txt does not list it:
# account_peppol installs by itself for European companies and imports it.
EXTRA_ODOO_REQUIREMENTS = ["phonenumbers"]


class BootstrapError(Exception):
    """A failure the user can act on: its message is the one sentence shown."""


def log(message):
    print(message, file=sys.stderr, flush=True)


def imports_odoo(python):
    """Whether ``python`` runs and imports Odoo of the expected series."""
    try:
        result = subprocess.run(
            [str(python), "-c", PROBE_ODOO],
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def venv_python(venv):
    return Path(venv) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def source_kind(source):
    """Classify ``ODOO_SOURCE``: 'default', 'url', 'archive' or 'directory'.

    :raises BootstrapError: when it is none of them (a missing path, an
        unsupported URL scheme, a directory without an Odoo source tree).
    """
    if not source:
        return "default"
    if source.startswith("https://"):
        return "url"
    if "://" in source:
        raise BootstrapError(
            f"ODOO_SOURCE={source} is not supported: set it to a directory holding "
            "an Odoo 18.0 source tree, a .tar.gz of one or an https:// URL of such "
            "an archive, or set PYTHON to an interpreter that already imports Odoo 18."
        )
    path = Path(source)
    if path.is_dir():
        if not (path / "setup.py").is_file() or not (path / "odoo").is_dir():
            raise BootstrapError(
                f"ODOO_SOURCE={source} holds no Odoo source tree (setup.py and odoo/): "
                "point it at the root of an Odoo 18.0 checkout, or set PYTHON to an "
                "interpreter that already imports Odoo 18."
            )
        return "directory"
    if path.is_file() and source.endswith((".tar.gz", ".tgz")):
        return "archive"
    raise BootstrapError(
        f"ODOO_SOURCE={source} does not exist or is not a .tar.gz: set ODOO_SOURCE "
        "to an Odoo 18.0 source directory, archive or https:// URL, or PYTHON to an "
        "interpreter that already imports Odoo 18."
    )


def choose_interpreter(env, venv, probe=None):
    """Return ``(python, reason)`` when an existing interpreter will do, else
    ``(None, reason)``: the caller then installs Odoo into ``venv``.

    :param probe: tells whether an interpreter imports Odoo (`imports_odoo`)
    :raises BootstrapError: when ``PYTHON`` is set and does not import Odoo.
    """
    probe = probe or imports_odoo
    if env.get("PYTHON"):
        python = env["PYTHON"]
        if probe(python):
            return python, f"PYTHON={python} imports Odoo {ODOO_SERIES}"
        raise BootstrapError(
            f"PYTHON={python} cannot import Odoo {ODOO_SERIES}: unset PYTHON to let "
            "the scripts install Odoo into .venv/, or point it at an interpreter "
            "that imports Odoo 18."
        )
    if probe("python3"):
        return "python3", f"python3 imports Odoo {ODOO_SERIES}"
    python = venv_python(venv)
    if python.exists() and probe(python):
        return str(python), f"reusing {venv}"
    return None, f"no interpreter imports Odoo {ODOO_SERIES}: installing it into {venv}"


def adapt_odoo_requirements(lines, can_build_psycopg2, can_build_ldap):
    """Odoo's requirements.txt, changed to what this machine can build.

    ``psycopg2`` becomes ``psycopg2-binary`` (same version) without
    ``pg_config``; ``python-ldap`` (only used by ``auth_ldap``) is left out
    without the LDAP and SASL headers.
    """
    adapted = []
    for line in lines:
        name = line.split("#", 1)[0].strip().split("=", 1)[0].split(";", 1)[0].strip()
        name = name.rstrip("<>!~ ").lower()
        if name == "psycopg2" and not can_build_psycopg2:
            line = line.replace("psycopg2", "psycopg2-binary", 1)
        elif name == "python-ldap" and not can_build_ldap:
            continue
        adapted.append(line)
    return adapted


def can_build_psycopg2():
    return shutil.which("pg_config") is not None


def can_build_ldap():
    include = Path("/usr/include")
    return (include / "ldap.h").exists() and (include / "sasl" / "sasl.h").exists()


def fetch_archive(url, dest):
    log(f"Downloading {url}")
    try:
        with urllib.request.urlopen(url, timeout=60) as answer, open(dest, "wb") as out:
            shutil.copyfileobj(answer, out)
    except OSError as error:
        raise BootstrapError(
            f"Downloading Odoo from {url} failed ({error}): set ODOO_SOURCE to an "
            "Odoo 18.0 source directory or archive, or PYTHON to an interpreter that "
            "already imports Odoo 18."
        ) from error


def extract_tree(archive, dest):
    """Extract an Odoo source archive into ``dest``; return the tree's root."""
    try:
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(dest, filter="data")
            else:
                # Pythons before 3.10.12/3.11.4 have no extraction filters:
                # refuse members that would land outside ``dest``.
                root = Path(dest).resolve()
                for member in tar.getmembers():
                    targets = [root / member.name]
                    if member.issym() or member.islnk():
                        targets.append(root / member.name / ".." / member.linkname)
                    for target in (path.resolve() for path in targets):
                        if target != root and root not in target.parents:
                            raise tarfile.TarError(f"unsafe member {member.name}")
                tar.extractall(dest)
    except (OSError, tarfile.TarError) as error:
        raise BootstrapError(
            f"{archive} could not be extracted ({error}): set ODOO_SOURCE to an "
            "Odoo 18.0 source directory or a valid .tar.gz of one."
        ) from error
    for setup in sorted(Path(dest).glob("*/setup.py")) + [Path(dest) / "setup.py"]:
        if setup.is_file() and (setup.parent / "odoo").is_dir():
            return setup.parent
    raise BootstrapError(
        f"{archive} holds no Odoo source tree (setup.py and odoo/): set ODOO_SOURCE "
        "to an Odoo 18.0 source directory or archive."
    )


def prepare_source(source, cache):
    """Put a writable Odoo source tree in ``cache``; return its path."""
    kind = source_kind(source)
    if cache.exists():
        shutil.rmtree(cache)
    cache.mkdir(parents=True)
    if kind == "directory":
        # The install writes into the tree (egg-info) and the given one may be
        # read-only: copy it, giving the copy write bits.
        tree = cache / "odoo"
        shutil.copytree(
            source,
            tree,
            copy_function=shutil.copyfile,
            ignore=shutil.ignore_patterns(".git"),
        )
        return tree
    archive = Path(source) if kind == "archive" else cache / "odoo.tar.gz"
    if kind != "archive":
        fetch_archive(source or DEFAULT_ODOO_SOURCE, archive)
    return extract_tree(archive, cache / "src")


def pip(python, *args, env=None):
    command = [
        str(python),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        *args,
    ]
    log("$ " + " ".join(command))
    result = subprocess.run(command, env=env, check=False, stdout=sys.stderr)
    if result.returncode:
        raise BootstrapError(
            f"Installing with pip failed ({' '.join(args)}): check the network or set "
            "PYTHON to an interpreter that already imports Odoo 18."
        )


def install(venv, source):
    """Create ``venv`` and install Odoo and the project's requirements in it."""
    venv = Path(venv)
    log(f"Creating {venv}")
    if subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], check=False
    ).returncode:
        raise BootstrapError(
            f"Creating the virtualenv {venv} failed: install Python's venv module "
            "(e.g. python3-venv), or set PYTHON to an interpreter that imports Odoo 18."
        )
    python = venv_python(venv)
    tree = prepare_source(source, venv / "odoo-source")
    constraints = venv / "build-constraints.txt"
    constraints.write_text(BUILD_CONSTRAINTS)
    env = dict(os.environ, PIP_CONSTRAINT=str(constraints))
    requirements = adapt_odoo_requirements(
        (tree / "requirements.txt").read_text().splitlines(),
        can_build_psycopg2(),
        can_build_ldap(),
    )
    adapted = venv / "odoo-requirements.txt"
    adapted.write_text("\n".join(requirements + EXTRA_ODOO_REQUIREMENTS) + "\n")
    pip(python, "--quiet", "-r", str(adapted), env=env)
    pip(python, "--quiet", "--no-deps", "-e", str(tree), env=env)
    pip(
        python,
        "--quiet",
        "-r",
        str(ROOT / "requirements.txt"),
        "-r",
        str(ROOT / "test-requirements.txt"),
        env=env,
    )
    if not imports_odoo(python):
        raise BootstrapError(
            f"Odoo was installed into {venv} but does not import: remove {venv} and "
            "run again, or set PYTHON to an interpreter that imports Odoo 18."
        )
    return str(python)


def main(env=os.environ):
    venv = ROOT / ".venv"
    try:
        python, reason = choose_interpreter(env, venv)
        log(f"Odoo: {reason}")
        if python is None:
            python = install(venv, env.get("ODOO_SOURCE", ""))
    except BootstrapError as error:
        log(str(error))
        return 2
    print(python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
