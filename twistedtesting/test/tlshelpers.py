# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
TLS options for the tests of real connections, from certificates made
when first asked for.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def tlsOptions() -> tuple[Any, Any, Any]:
    """
    Make TLS options from certificates generated now: the server's (a
    self-signed certificate for C{localhost}), a client's that trusts it,
    and a client's that trusts another certificate only.
    """
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from twisted.internet import ssl

    def selfSigned() -> tuple[bytes, bytes]:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
        now = datetime.datetime.now(datetime.timezone.utc)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                critical=False,
            )
            .add_extension(
                x509.BasicConstraints(ca=True, path_length=None), critical=True
            )
            .sign(key, hashes.SHA256())
        )
        return (
            certificate.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )

    certificate, key = selfSigned()
    other, _ = selfSigned()
    server = ssl.PrivateCertificate.loadPEM(certificate + key).options()
    client = ssl.optionsForClientTLS(
        "localhost", trustRoot=ssl.Certificate.loadPEM(certificate)
    )
    untrusting = ssl.optionsForClientTLS(
        "localhost", trustRoot=ssl.Certificate.loadPEM(other)
    )
    return server, client, untrusting
