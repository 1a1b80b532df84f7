"""Fixtures for the signing tests: a throw-away certificate and a signed NTB bundle.

Imported by the test modules that use them (`from sign_fixtures import ...`).
"""
from __future__ import annotations

import datetime as dt

import pytest

from generator.cli import main

PASSPHRASE = "rahasia-uji"


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """A throw-away root CA and a signer certificate (PKCS#12, passphrase PASSPHRASE)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def usage(**on):
        keys = ["digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"]
        return x509.KeyUsage(**{k: on.get(k, False) for k in keys})

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (x509.CertificateBuilder().subject_name(name("Uji Root CA")).issuer_name(name("Uji Root CA"))
          .public_key(ca_key.public_key()).serial_number(1)
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(name("Suhardi Soud")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(usage(digital_signature=True, content_commitment=True), critical=True)
            .sign(ca_key, hashes.SHA256()))
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = (x509.CertificateBuilder().subject_name(name("Lain Root CA")).issuer_name(name("Lain Root CA"))
             .public_key(other_key.public_key()).serial_number(3)
             .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
             .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
             .sign(other_key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("certs")
    p12 = folder / "ketua.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"ketua", key, cert, [ca], serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    root = folder / "root.pem"
    root.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    other_root = folder / "other-root.pem"
    other_root.write_bytes(other.public_bytes(serialization.Encoding.PEM))
    return {"p12": p12, "root": root, "other_root": other_root}


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
