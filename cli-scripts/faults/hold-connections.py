#!/usr/bin/env python3
"""Holds COUNT connections to HOST:PORT, each having sent part of a request
line and then nothing, until the file STOP exists (at most 30 s); writes how
many it opened to READY once all are open, then closes them all at once.
Usage: hold-connections.py COUNT HOST PORT READY STOP"""
import os
import socket
import sys
import time

count, host, port, ready, stop = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
held = []
for _ in range(count):
    try:
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(b"GET /api/users/1 HT")
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
