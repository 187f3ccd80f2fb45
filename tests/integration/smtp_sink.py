"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd), run as its own process:
it accepts every mail (except to recipients at refused.example, answered 550) and writes each
as a JSON file in --dir: {"mail_from", "rcpt_tos", "content", "login", "tls"}. With --tls-cert
and --tls-key it offers STARTTLS and requires it; with --user and --password it requires AUTH.
Prints "ready" once it listens, and stops on SIGTERM.

    /usr/bin/python3 smtp_sink.py --listen 127.0.0.1:PORT --dir DIR [--tls-cert PEM --tls-key PEM]
                                  [--user USER --password PASSWORD]
"""
import argparse
import json
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "content": envelope.content.decode("utf-8", "replace"),
            "login": session.auth_data,
            "tls": session.ssl is not None,
        }
        path = os.path.join(self.folder, f"{self.count:06d}.json")
        with open(path + ".tmp", "w") as out:
            json.dump(record, out)
        os.rename(path + ".tmp", path)  # readers see whole files only
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    kwargs = {}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        kwargs.update(tls_context=context, require_starttls=True)
    if args.user:
        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == args.user and
                  auth_data.password.decode() == args.password)
            return AuthResult(success=ok, auth_data=auth_data.login.decode())
        kwargs.update(authenticator=authenticate, auth_required=True,
                      auth_require_tls=bool(args.tls_cert))
    controller = Controller(Sink(args.dir), hostname=host, port=int(port), **kwargs)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
