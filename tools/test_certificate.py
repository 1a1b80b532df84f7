"""Make a throw-away certificate to try `keputusan sign` and `verify` (never for real decrees).

Writes into FOLDER (default: test-cert/):
  root-ca.pem     a self-made root certificate: `keputusan verify ... --trust test-cert/root-ca.pem`
  penandatangan.p12  the signer's key and certificate (PKCS#12), valid 30 days, protected by the
                  passphrase in KEPUTUSAN_P12_PASSPHRASE (default "uji")

    .venv/bin/python tools/test_certificate.py [FOLDER] [--name "Suhardi Soud"]

Needs `cryptography` (installed with the test dependencies: pip install -e '.[test]').
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path


def make(folder: Path, passphrase: str, signer: str = "Suhardi Soud", *, days: int = 30) -> dict[str, Path]:
    """Write root-ca.pem, penandatangan.p12 and (for negative tests) lain-root-ca.pem into `folder`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def usage(**on: bool) -> x509.KeyUsage:
        keys = [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ]
        return x509.KeyUsage(**{k: on.get(k, False) for k in keys})

    def root(cn: str):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name(cn))
            .issuer_name(name(cn))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
            .sign(key, hashes.SHA256())
        )
        return key, cert

    ca_key, ca = root("Uji Root CA (bukan untuk dokumen resmi)")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(signer))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(usage(digital_signature=True, content_commitment=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    _, other = root("Lain Root CA")
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "p12": folder / "penandatangan.p12",
        "root": folder / "root-ca.pem",
        "other_root": folder / "lain-root-ca.pem",
    }
    paths["p12"].write_bytes(
        pkcs12.serialize_key_and_certificates(
            signer.encode(), key, cert, [ca], serialization.BestAvailableEncryption(passphrase.encode())
        )
    )
    paths["root"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["other_root"].write_bytes(other.public_bytes(serialization.Encoding.PEM))
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="test-cert", type=Path)
    parser.add_argument("--name", default="Suhardi Soud", help="the signer's name in the certificate")
    args = parser.parse_args()
    passphrase = os.environ.get("KEPUTUSAN_P12_PASSPHRASE", "uji")
    paths = make(args.folder, passphrase, args.name)
    print(f"wrote {paths['p12']} (passphrase: KEPUTUSAN_P12_PASSPHRASE, default 'uji') and {paths['root']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
