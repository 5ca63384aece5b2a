"""Bounded HTTP load on loopback: THREADS clients fetch PATH from
127.0.0.1:PORT COUNT times in all, one connection per request (no
keep-alive), and check every response: status 200 and a body whose SHA-256
is SHA. Prints 'ok COUNT' when all of them were right, else the first
problems, and exits 1.

usage: httpget.py PORT PATH COUNT THREADS SHA"""
import hashlib
import http.client
import sys
import threading

port, path, count, threads, sha = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
                                   int(sys.argv[4]), sys.argv[5])
lock = threading.Lock()
left = [count]
good = [0]
problems = []


def client():
    while True:
        with lock:
            if left[0] == 0:
                return
            left[0] -= 1
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers={"Connection": "close"})
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            if resp.status != 200 or hashlib.sha256(body).hexdigest() != sha:
                raise ValueError(f"status {resp.status}, {len(body)} bytes")
            with lock:
                good[0] += 1
        except Exception as e:  # any failure is a problem to report
            with lock:
                problems.append(repr(e))


workers = [threading.Thread(target=client) for _ in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
if good[0] == count:
    print(f"ok {count}")
    sys.exit(0)
print(f"{good[0]} of {count} right; first problems: {problems[:3]}")
sys.exit(1)
