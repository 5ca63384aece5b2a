"""Bounded load on a Redis server on loopback: THREADS clients, each on
its own connection, SET COUNT keys of their own to values of their own,
INCR a counter they share, then GET every key back. Every reply is
checked: +OK for each SET, the value set for each GET, and the shared
counter equal to the number of INCRs. Prints 'ok' and the counts, else the
first problems, and exits 1.

usage: redischeck.py PORT COUNT THREADS"""
import socket
import sys
import threading

port, count, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
problems = []
lock = threading.Lock()


def command(f, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    f.write(out)
    f.flush()
    line = f.readline()
    if line.startswith(b"$"):
        n = int(line[1:])
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2]
    return line.rstrip(b"\r\n")


def client(t):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        f = s.makefile("rwb")
        for i in range(count):
            if command(f, "SET", f"k{t}.{i}", f"v{t}.{i}.{i * i}") != b"+OK":
                raise ValueError(f"SET k{t}.{i}")
            command(f, "INCR", "shared")
        for i in range(count):
            got = command(f, "GET", f"k{t}.{i}")
            if got != f"v{t}.{i}.{i * i}".encode():
                raise ValueError(f"GET k{t}.{i}: {got!r}")
        s.close()
    except Exception as e:  # any failure is a problem to report
        with lock:
            problems.append(repr(e))


workers = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
if not problems:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    total = command(s.makefile("rwb"), "GET", "shared")
    if total != str(count * threads).encode():
        problems.append(f"shared counter {total!r}, not {count * threads}")
if problems:
    print(f"first problems: {problems[:3]}")
    sys.exit(1)
print(f"ok: {threads} clients x {count} SET, INCR and GET")
