"""Fixtures for the signing tests: a throw-away certificate and a signed NTB bundle.

Registered for every test module by conftest.py (`pytest_plugins`). The certificate
comes from tools/test_certificate.py, the same tool the README offers for trying `sign`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from generator.cli import main

PASSPHRASE = "rahasia-uji"
TOOL = Path(__file__).resolve().parent.parent / "tools" / "test_certificate.py"


def _tool():
    spec = importlib.util.spec_from_file_location("test_certificate", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """A throw-away root CA and a signer certificate (PKCS#12, passphrase PASSPHRASE)."""
    return _tool().make(tmp_path_factory.mktemp("certs"), PASSPHRASE)


@pytest.fixture(scope="session")
def signed_asli(ntb_build, certs, tmp_path_factory):
    """The NTB asli bundle signed in its ttd_ketua field through the CLI."""
    out = tmp_path_factory.mktemp("signed") / "kpu-ntb-2022-asli-signed.pdf"
    mp = pytest.MonkeyPatch()
    mp.setenv("KEPUTUSAN_P12_PASSPHRASE", PASSPHRASE)
    try:
        code = main(["sign", str(ntb_build.bundles["asli"]), "--p12", str(certs["p12"]), "--out", str(out)])
    finally:
        mp.undo()
    assert code == 0
    return out
