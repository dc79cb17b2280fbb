#!/usr/bin/env python3
"""Clients that read their answer slowly or never: COUNT connections to
HOST:PORT each send `GET PATH` (Connection: close) with a 2 KiB receive
buffer; even ones never read, odd ones read 512 bytes every 100 ms (5 KiB/s).
After SECONDS, every connection is read to its end (a silence of 2 s ends
it) and classified: "complete" (the whole answer came: the server, or the
kernel's socket buffers, held it until read), "cut" (the server closed it
before the whole answer), "open" (still sending after the silence). Prints
one summary line per kind, then "slowest cut after S s" (from the
connection's start).
Usage: slow-readers.py COUNT HOST PORT PATH SECONDS"""
import socket
import sys
import time

count, host, port, path, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()


class Reader:
    def __init__(self, slow):
        self.slow, self.data, self.eof_at, self.started = slow, b"", None, time.time()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        self.sock.settimeout(5)
        self.sock.connect((host, port))
        self.sock.sendall(request)
        self.sock.setblocking(False)

    def read(self, most):
        try:
            chunk = self.sock.recv(most)
        except BlockingIOError:
            return False
        except OSError:
            chunk = b""
        if not chunk:
            self.eof_at = self.eof_at or time.time()
            return False
        self.data += chunk
        return True

    def outcome(self):
        head, _, body = self.data.partition(b"\r\n\r\n")
        status = head[9:12].decode() or "none"
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), None)
        if self.eof_at is None:
            return status, "open"
        return status, "complete" if length is not None and len(body) >= length else "cut"


readers = []
for i in range(count):
    try:
        readers.append(Reader(slow=i % 2 == 1))
    except OSError as e:
        print(f"connection {i} failed: {e}", file=sys.stderr)
    time.sleep(0.02)
end = time.time() + seconds
while time.time() < end:
    for r in readers:
        if r.slow and r.eof_at is None:
            r.read(512)
    time.sleep(0.1)
for r in readers:
    r.sock.settimeout(2)
    while r.eof_at is None:
        try:
            chunk = r.sock.recv(65536)
        except socket.timeout:
            break
        except OSError:
            chunk = b""
        if not chunk:
            r.eof_at = time.time()
        r.data += chunk
for kind, slow in (("never-reading", False), ("slow-reading", True)):
    tally = {}
    for r in (r for r in readers if r.slow == slow):
        key = "%s %s" % r.outcome()
        tally[key] = tally.get(key, 0) + 1
    print(f"{kind}: " + ", ".join(f"{n} {key}" for key, n in sorted(tally.items())))
cuts = [r.eof_at - r.started for r in readers if r.eof_at is not None and r.outcome()[1] == "cut"]
print("slowest cut after %.1f s" % (max(cuts) if cuts else 0))
for r in readers:
    r.sock.close()
