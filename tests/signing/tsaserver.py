"""A time-stamping authority answering RFC 3161 requests over HTTP, in a thread of the test: the signing build
asks it as it would ask the publisher's real one. The tokens are made by pyHanko's own test TSA, signed with the
test CA's time-stamping certificate; the HTTP exchange (application/timestamp-query, -reply) is real."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from bulletin.signing.signatures import as_asn1
from signing.certificates import Authority


@contextmanager
def time_stamping(authority: Authority) -> Iterator[tuple[str, list[int]]]:
    """Serve timestamps at a local address while in the block; yield it, and the count of requests answered."""

    key = authority.tsa.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    stamper = DummyTimeStamper(
        tsa_cert=as_asn1(authority.tsa.certificate),
        tsa_key=keys.PrivateKeyInfo.load(key),
        certs_to_embed=SimpleCertificateStore.from_certs([as_asn1(authority.root.certificate)]),
    )
    answered = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            reply = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
            answered[0] += 1

        def log_message(self, *_arguments) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa", answered
    finally:
        server.shutdown()
        server.server_close()
