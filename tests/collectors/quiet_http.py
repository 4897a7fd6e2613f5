"""The threaded HTTP server of the test servers, without error printing: a client that hangs up
early (a scrape timing out, a collector giving up) is no test's business, and a traceback
printed from a server thread lands in whichever test is capturing stderr at the time."""

from __future__ import annotations

from http.server import ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass
