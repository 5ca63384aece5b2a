"""Bounded HTTP load on loopback: THREADS clients fetch PATH from
127.0.0.1:PORT COUNT times in all, one connection per request (no
keep-alive), and check every response: status 200 and a body whose SHA-256
is SHA. With more PATH SHA pairs, request i asks for pair i modulo their
number. With --proxy PROXYPORT, every request goes to the forward proxy on
127.0.0.1:PROXYPORT, for http://127.0.0.1:PORT/PATH. Prints 'ok COUNT'
when all of them were right, else the first problems, and exits 1.

usage: httpget.py [--proxy PROXYPORT] PORT PATH COUNT THREADS SHA [PATH SHA]..."""
import hashlib
import http.client
import sys
import threading

args = sys.argv[1:]
proxy = None
if args[:1] == ["--proxy"]:
    proxy, args = int(args[1]), args[2:]
if len(args) < 5 or len(args) % 2 == 0:
    sys.exit(__doc__)
port, count, threads = int(args[0]), int(args[2]), int(args[3])
wants = [(args[1], args[4])] + list(zip(args[5::2], args[6::2]))
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
            path, sha = wants[left[0] % len(wants)]
        try:
            if proxy is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers={"Connection": "close"})
            else:  # an absolute URL: http.client takes its Host header from it
                conn = http.client.HTTPConnection("127.0.0.1", proxy, timeout=10)
                conn.request("GET", f"http://127.0.0.1:{port}{path}",
                             headers={"Connection": "close"})
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            if resp.status != 200 or hashlib.sha256(body).hexdigest() != sha:
                raise ValueError(f"{path}: status {resp.status}, {len(body)} bytes")
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
