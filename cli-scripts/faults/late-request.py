#!/usr/bin/env python3
"""Sends a GET of FIRST on one kept-alive connection to HOST:PORT and reads its
answer; writes READY, waits until the file GO exists (at most 30 s), then sends
a GET of SECOND on the same connection: a request that reaches a server which
is already draining. Prints the second answer's status and seconds, "000" when
the connection was closed without an answer.
Usage: late-request.py HOST PORT FIRST SECOND READY GO"""
import os
import socket
import sys
import time

host, port, first, second, ready, go = sys.argv[1], int(sys.argv[2]), *sys.argv[3:7]


def status_of(sock, path):
    """Sends a GET of path and reads the answer's head and body (its Content-Length); the status or "000"."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return "000"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next((int(v) for k, _, v in (line.partition(":") for line in lines[1:])
                   if k.strip().lower() == "content-length"), 0)
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            return "000"
        body += chunk
    return lines[0].split(" ")[1]


sock = socket.create_connection((host, port), timeout=20)
if status_of(sock, first) != "200":
    sys.exit("the first GET was not answered 200")
with open(ready, "w") as f:
    f.write("1\n")
deadline = time.time() + 30
while not os.path.exists(go) and time.time() < deadline:
    time.sleep(0.05)
begin = time.time()
try:
    status = status_of(sock, second)
except OSError:
    status = "000"
print(f"{status} {time.time() - begin:.2f}")
