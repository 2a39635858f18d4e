"""The decisions of scripts/bootstrap.py: which Odoo to use, from where, and
the one sentence shown when it cannot. No network: downloads go to a closed
port on 127.0.0.1."""

import importlib.util
import io
import socket
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bootstrap():
    spec = importlib.util.spec_from_file_location(
        "ipr_bootstrap", ROOT / "scripts" / "bootstrap.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _odoo_tree(path):
    (path / "odoo").mkdir(parents=True)
    (path / "setup.py").write_text("")
    (path / "requirements.txt").write_text("psycopg2==2.9.5\npython-ldap==3.4.0\n")
    return path


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- where Odoo comes from ---------------------------------------------------


def test_unset_source_is_odoos_own_archive(bootstrap):
    assert bootstrap.source_kind("") == "default"
    assert bootstrap.DEFAULT_ODOO_SOURCE.startswith("https://")
    assert "18.0" in bootstrap.DEFAULT_ODOO_SOURCE


def test_https_source_is_a_url(bootstrap):
    assert bootstrap.source_kind("https://example.invalid/odoo.tar.gz") == "url"


def test_other_url_schemes_are_refused(bootstrap):
    with pytest.raises(bootstrap.BootstrapError, match="ODOO_SOURCE=ftp://"):
        bootstrap.source_kind("ftp://example.invalid/odoo.tar.gz")


def test_directory_source_needs_an_odoo_tree(bootstrap, tmp_path):
    assert bootstrap.source_kind(str(_odoo_tree(tmp_path / "odoo-18.0"))) == (
        "directory"
    )
    (tmp_path / "empty").mkdir()
    with pytest.raises(bootstrap.BootstrapError, match="holds no Odoo source tree"):
        bootstrap.source_kind(str(tmp_path / "empty"))


def test_archive_source(bootstrap, tmp_path):
    archive = tmp_path / "odoo.tar.gz"
    archive.write_bytes(b"")
    assert bootstrap.source_kind(str(archive)) == "archive"


def test_missing_source_says_what_to_set(bootstrap, tmp_path):
    with pytest.raises(bootstrap.BootstrapError) as error:
        bootstrap.source_kind(str(tmp_path / "nowhere"))
    message = str(error.value)
    assert "ODOO_SOURCE" in message and "PYTHON" in message
    assert "\n" not in message


def test_a_read_only_directory_is_copied_to_a_writable_cache(bootstrap, tmp_path):
    source = _odoo_tree(tmp_path / "shared" / "odoo-18.0")
    (source / "odoo" / "release.py").write_text("serie = '18.0'\n")
    for path in [source / "odoo" / "release.py", source / "setup.py"]:
        path.chmod(0o444)
    tree = bootstrap.prepare_source(str(source), tmp_path / "venv" / "odoo-source")
    assert tree.parent == tmp_path / "venv" / "odoo-source"
    assert (tree / "odoo" / "release.py").read_text() == "serie = '18.0'\n"
    (tree / "setup.py").write_text("# writable")  # the install may write here


def test_an_archive_is_extracted(bootstrap, tmp_path):
    source = _odoo_tree(tmp_path / "src" / "odoo-18.0.post20250506")
    archive = tmp_path / "odoo.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source, arcname=source.name)
    tree = bootstrap.prepare_source(str(archive), tmp_path / "cache")
    assert (tree / "setup.py").is_file() and (tree / "odoo").is_dir()


def test_a_broken_archive_says_what_to_set(bootstrap, tmp_path):
    archive = tmp_path / "odoo.tar.gz"
    archive.write_bytes(b"not a tar file")
    with pytest.raises(bootstrap.BootstrapError, match="ODOO_SOURCE"):
        bootstrap.prepare_source(str(archive), tmp_path / "cache")


def test_a_failed_download_says_what_to_set(bootstrap, tmp_path):
    url = f"https://127.0.0.1:{_closed_port()}/odoo_18.0.latest.tar.gz"
    with pytest.raises(bootstrap.BootstrapError) as error:
        bootstrap.prepare_source(url, tmp_path / "cache")
    message = str(error.value)
    assert message.startswith(f"Downloading Odoo from {url} failed")
    assert "ODOO_SOURCE" in message and "PYTHON" in message


# -- which interpreter ---------------------------------------------------------


def test_python_set_and_importing_odoo_is_used_as_is(bootstrap, tmp_path):
    python, _reason = bootstrap.choose_interpreter(
        {"PYTHON": "/opt/odoo/bin/python"}, tmp_path / ".venv", probe=lambda p: True
    )
    assert python == "/opt/odoo/bin/python"


def test_python_set_without_odoo_is_an_error_not_an_install(bootstrap, tmp_path):
    with pytest.raises(bootstrap.BootstrapError, match="PYTHON=/usr/bin/python3"):
        bootstrap.choose_interpreter(
            {"PYTHON": "/usr/bin/python3"}, tmp_path / ".venv", probe=lambda p: False
        )


def test_python3_importing_odoo_is_kept(bootstrap, tmp_path):
    python, _reason = bootstrap.choose_interpreter(
        {}, tmp_path / ".venv", probe=lambda p: p == "python3"
    )
    assert python == "python3"


def test_an_existing_venv_is_reused(bootstrap, tmp_path):
    venv = tmp_path / ".venv"
    venv_python = bootstrap.venv_python(venv)
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text("")
    python, reason = bootstrap.choose_interpreter(
        {}, venv, probe=lambda p: str(p) == str(venv_python)
    )
    assert python == str(venv_python)
    assert reason.startswith("reusing")


def test_nothing_imports_odoo_means_install(bootstrap, tmp_path):
    python, reason = bootstrap.choose_interpreter(
        {}, tmp_path / ".venv", probe=lambda p: False
    )
    assert python is None
    assert "installing" in reason


def test_main_reuses_the_venv_without_installing(bootstrap, tmp_path, monkeypatch):
    monkeypatch.setattr(bootstrap, "ROOT", tmp_path)
    venv_python = bootstrap.venv_python(tmp_path / ".venv")
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text("")
    monkeypatch.setattr(bootstrap, "imports_odoo", lambda p: str(p) == str(venv_python))
    monkeypatch.setattr(
        bootstrap, "install", lambda *a: pytest.fail("reinstalled an existing venv")
    )
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert bootstrap.main({}) == 0
    assert out.getvalue().strip() == str(venv_python)


def test_main_stops_with_one_sentence(bootstrap, monkeypatch, capsys):
    monkeypatch.setattr(bootstrap, "imports_odoo", lambda p: False)
    assert bootstrap.main({"PYTHON": "/nowhere/python"}) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err.strip()
        .splitlines()[-1]
        .startswith("PYTHON=/nowhere/python cannot import Odoo 18.0")
    )


# -- what is installed -----------------------------------------------------------


def test_requirements_adapted_to_the_machine(bootstrap):
    lines = [
        "psycopg2==2.9.5 ; python_version == '3.11'",
        "python-ldap==3.4.0 ; sys_platform != 'win32'",
        "lxml==4.9.3",
    ]
    assert bootstrap.adapt_odoo_requirements(lines, False, False) == [
        "psycopg2-binary==2.9.5 ; python_version == '3.11'",
        "lxml==4.9.3",
    ]
    assert bootstrap.adapt_odoo_requirements(lines, True, True) == lines


def test_build_environment_keeps_pkg_resources(bootstrap):
    assert "setuptools<70" in bootstrap.BUILD_CONSTRAINTS
    assert "phonenumbers" in bootstrap.EXTRA_ODOO_REQUIREMENTS
