#!/usr/bin/env python3
"""Many keep-alive clients, each sending GET after GET on its own connection.

`keep-alive.py HOST PORT PATH CLIENTS SECONDS` prints "<answered> <lost>":
answered requests (any status), and requests that got no answer at all (the
server closed the connection, or reset it, without a status line). A client
whose request is lost opens a new connection and goes on.
"""
import http.client
import sys
import threading
import time


def main():
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    clients, seconds = int(sys.argv[4]), float(sys.argv[5])
    end = time.monotonic() + seconds
    counts = {"answered": 0, "lost": 0}
    lock = threading.Lock()
    # Every client connects before any sends, so that all are open at once.
    ready = threading.Barrier(clients)

    def client():
        connection = http.client.HTTPConnection(host, port, timeout=15)
        connection.connect()
        ready.wait()
        while time.monotonic() < end:
            try:
                connection.request("GET", path)
                connection.getresponse().read()
                outcome = "answered"
            except (OSError, http.client.HTTPException):
                outcome = "lost"
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=15)
            with lock:
                counts[outcome] += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(counts["answered"], counts["lost"])


if __name__ == "__main__":
    main()
