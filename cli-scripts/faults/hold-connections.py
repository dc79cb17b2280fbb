#!/usr/bin/env python3
"""Holds COUNT connections to HOST:PORT until the file STOP exists (at most
30 s); writes how many it opened to READY once all are open, then closes them
all at once. Each has sent part of a request line and then nothing; or, with
POST:PATH, a whole POST head for PATH that declares a 64 KiB JSON body and all
of that body but its last byte; or, with GET:PATH, a GET of PATH whose answer
it never reads (a receive buffer of 2 KiB); or, with PIPE:PATH, 150 GETs of
PATH sent at once on each connection, whose answers it never reads.
Usage: hold-connections.py COUNT HOST PORT READY STOP [POST:PATH|GET:PATH|PIPE:PATH]"""
import os
import resource
import socket
import sys
import time

# As many sockets as this process may open: a flood needs thousands.
_, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

count, host, port, ready, stop = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
mode, _, path = (sys.argv[6] if len(sys.argv) > 6 else "").partition(":")
if mode == "POST":
    size = 65536
    body = (b'{"name":"' + b"a" * size)[: size - 1]
    sent = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n").encode() + body
elif mode == "GET":
    sent = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
elif mode == "PIPE":
    sent = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode() * 150
else:
    sent = b"GET /api/users/1 HT"
held = []
for _ in range(count):
    try:
        s = socket.socket()
        if mode in ("GET", "PIPE"):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        if mode == "GET":
            time.sleep(0.05)   # one after another: each answer is built before the next asks
        s.settimeout(5)
        s.connect((host, port))
        s.sendall(sent)
        held.append(s)
    except OSError:
        pass
with open(ready, "w") as f:
    f.write(str(len(held)))
end = time.time() + 30
while not os.path.exists(stop) and time.time() < end:
    time.sleep(0.05)
for s in held:
    s.close()
