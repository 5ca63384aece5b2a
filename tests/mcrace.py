#!/usr/bin/python3
"""Races memcached clients on the same few keys and checks every reply.

usage: mcrace.py PORT CLIENTS OPS SECONDS [SEED]

Sets four keys (ctr = "1000", log = "", reg = "init" with flags 99, cas =
"0"), then forks CLIENTS processes, each with its own loopback connection,
each making at most OPS requests and stopping after SECONDS seconds: a random
mix of incr ctr D (D in 1..9), append log TOKEN (at most 2000 per client), set reg TOKEN (flags = the
client), a cas increment of cas (gets, then cas), and get / multi-get of the
keys. Every reply is parsed strictly (a malformed reply, an error reply or a
timeout ends that client with a failure). Then the parent reads the final
values and checks that they and every reply agree:

  incr   every reply unique; sorted, each reply minus its increment is the
         previous reply (the first: 1000), so the final counter is 1000 plus
         the sum of increments; each client's replies increase
  append every reply STORED; the final value holds every token once, each
         client's in its order, and its length is the sum of their lengths
  set    every reply STORED; the final value is some client's last token
  cas    the values the STORED cas replies stored are exactly 1..S, and the
         final value is S
  get    ctr: 1000 or an incr reply, never below what the client saw
         before; log: a prefix of the final value that holds the client's
         own tokens appended before it; reg: "init" (flags 99) or a set
         token with the flags its client set; cas: 0 or a stored value

Prints one line per check, "PASS name: detail" or "FAIL name: detail", the
same checks in every run, then "ops N" (requests made in all); exits 0 when
every check passed, 1 otherwise (a check that cannot be made, e.g. the
server does not answer, is a FAIL line and ends it). MCRACE_REPLY_TIMEOUT:
seconds to wait for one reply (default 15); MCRACE_DIR: where the clients
leave their logs (default /tmp).
"""
import os
import random
import socket
import sys
import time
import json

CTR0 = 1000
APPEND_MAX = 2000  # appends per client (then those requests are gets): log stays small
TIMEOUT = float(os.environ.get("MCRACE_REPLY_TIMEOUT", "15"))  # seconds: one reply


class Proto(Exception):
    pass


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise Proto("connection closed, buffered %r" % self.buf[:80])
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.s.recv(65536)
            if not chunk:
                raise Proto("connection closed in a value")
            self.buf += chunk
        data, tail, self.buf = self.buf[:n], self.buf[n:n + 2], self.buf[n + 2:]
        if tail != b"\r\n":
            raise Proto("value of %d bytes not followed by CRLF: %r" % (n, tail))
        return data

    def store(self, cmd, key, flags, value, cas=None):
        extra = b"" if cas is None else b" %d" % cas
        self.send(b"%s %s %d 0 %d%s\r\n%s\r\n" % (cmd, key, flags, len(value), extra, value))
        return self.line()

    def values(self, cmd, keys):
        """get/gets: {key: (flags, value, cas or None)}, strictly parsed"""
        self.send(cmd + b" " + b" ".join(keys) + b"\r\n")
        out = {}
        while True:
            line = self.line()
            if line == b"END":
                return out
            f = line.split(b" ")
            if f[0] != b"VALUE" or len(f) != (5 if cmd == b"gets" else 4):
                raise Proto("%s: bad line %r" % (cmd.decode(), line))
            key = f[1]
            if key not in keys or key in out:
                raise Proto("%s: unexpected key %r" % (cmd.decode(), key))
            if not all(x.isdigit() for x in f[2:]):
                raise Proto("%s: bad numbers %r" % (cmd.decode(), line))
            data = self.exact(int(f[3]))
            out[key] = (int(f[2]), data, int(f[4]) if cmd == b"gets" else None)

    def incr(self, key, d):
        self.send(b"incr %s %d\r\n" % (key, d))
        line = self.line()
        if not line.isdigit():
            raise Proto("incr: bad reply %r" % line)
        return int(line)


def client(cid, port, nops, seconds, seed, logpath):
    rnd = random.Random(seed * 1000 + cid)
    log = []  # (op, ...) in this client's order
    err = None
    deadline = time.monotonic() + seconds
    try:
        c = Conn(port)
        seq = nappend = 0
        for _ in range(nops):
            if time.monotonic() >= deadline:
                break
            seq += 1
            r = rnd.random()
            if r < 0.35:
                d = rnd.randint(1, 9)
                log.append(("incr", d, c.incr(b"ctr", d)))
            elif r < 0.50 and nappend < APPEND_MAX:
                nappend += 1
                tok = "%d.%d;" % (cid, seq)
                rep = c.store(b"append", b"log", 0, tok.encode())
                log.append(("append", tok, rep.decode("latin-1")))
            elif r < 0.60:
                tok = "r%d.%d" % (cid, seq)
                rep = c.store(b"set", b"reg", cid, tok.encode())
                log.append(("set", tok, rep.decode("latin-1")))
            elif r < 0.72:
                v = c.values(b"gets", [b"cas"])
                if b"cas" not in v:
                    raise Proto("gets cas: no value")
                flags, data, casid = v[b"cas"]
                if not data.isdigit():
                    raise Proto("gets cas: %r" % data)
                new = int(data) + 1
                rep = c.store(b"cas", b"cas", 0, b"%d" % new, casid).decode("latin-1")
                log.append(("cas", int(data), new, rep))
            else:
                keys = rnd.choice([[b"ctr"], [b"log"], [b"reg"], [b"cas"],
                                   [b"ctr", b"log", b"reg", b"cas"], [b"reg", b"ctr"]])
                v = c.values(b"get", keys)
                log.append(("get", {k.decode(): [f, d.decode("latin-1")]
                                    for k, (f, d, _) in v.items()},
                            [k.decode() for k in keys]))
        c.send(b"quit\r\n")
    except (OSError, Proto) as e:
        err = "client %d after %d ops: %s: %s" % (cid, len(log), type(e).__name__, e)
    with open(logpath, "w") as f:
        json.dump({"log": log, "err": err}, f)


def main():
    port, nclients, nops, seconds = (int(x) for x in sys.argv[1:5])
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else int(time.time())
    tmp = os.environ.get("MCRACE_DIR", "/tmp")
    results = []

    def check(name, good, detail=""):
        results.append(good)
        print("%s %s: %s" % ("PASS" if good else "FAIL", name, detail), flush=True)

    try:
        c = Conn(port)
    except OSError as e:
        check("connect", False, "127.0.0.1:%d: %s" % (port, e))
        return 1
    init = [c.store(b"set", b"ctr", 0, b"%d" % CTR0), c.store(b"set", b"log", 0, b""),
            c.store(b"set", b"reg", 99, b"init"), c.store(b"set", b"cas", 0, b"0")]
    check("setup", init == [b"STORED"] * 4, "4 sets: %r" % init)

    paths = [os.path.join(tmp, "mcrace.%d.%d.json" % (os.getpid(), i)) for i in range(nclients)]
    pids = []
    for i in range(nclients):
        pid = os.fork()
        if pid == 0:
            try:
                client(i, port, nops, seconds, seed, paths[i])
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    logs, errs = [], []
    for p in paths:
        try:
            with open(p) as f:
                r = json.load(f)
            os.unlink(p)
        except (OSError, ValueError) as e:
            r = {"log": [], "err": "no log: %s" % e}
        logs.append(r["log"])
        if r["err"]:
            errs.append(r["err"])
    check("replies", not errs, "every client ended by itself, every reply well-formed"
          if not errs else "; ".join(errs))
    nops_done = sum(len(l) for l in logs)

    try:
        fin = c.values(b"gets", [b"ctr", b"log", b"reg", b"cas"])
        c.send(b"quit\r\n")
    except (OSError, Proto) as e:
        check("final", False, "gets of the final values: %s: %s" % (type(e).__name__, e))
        return 1
    final = {k.decode(): (f, d.decode("latin-1")) for k, (f, d, _) in fin.items()}
    check("final", sorted(final) == ["cas", "ctr", "log", "reg"], "keys %s" % sorted(final))
    get = lambda k: final.get(k, (None, ""))

    # incr
    incrs = [(e[1], e[2]) for l in logs for e in l if e[0] == "incr"]
    total = sum(d for d, _ in incrs)
    reps = sorted(r for _, r in incrs)
    chain = sorted(incrs, key=lambda x: x[1])
    prev, broken = CTR0, None
    for d, r in chain:
        if r - d != prev:
            broken = "reply %d - %d != previous %d" % (r, d, prev)
            break
        prev = r
    check("incr unique", len(set(reps)) == len(reps), "%d replies, %d distinct" % (len(reps), len(set(reps))))
    check("incr range", all(CTR0 < r <= CTR0 + total for r in reps),
          "in %d..%d" % (CTR0 + 1, CTR0 + total) if reps else "no incr")
    check("incr chain", broken is None, broken or "each reply = the previous + its increment")
    check("incr final", get("ctr")[1] == str(CTR0 + total),
          "final %s = %d + %d" % (get("ctr")[1], CTR0, total))
    mono = all(all(a < b for a, b in zip(rs, rs[1:]))
               for rs in ([e[2] for e in l if e[0] == "incr"] for l in logs))
    check("incr per client", mono, "each client's replies increase")

    # append
    apps = [(cid, e[1], e[2]) for cid, l in enumerate(logs) for e in l if e[0] == "append"]
    flog = get("log")[1]
    check("append replies", all(r == "STORED" for _, _, r in apps),
          "%d appends, replies %s" % (len(apps), sorted(set(r for _, _, r in apps))))
    check("append length", len(flog) == sum(len(t) for _, t, _ in apps),
          "final %d bytes, appended %d" % (len(flog), sum(len(t) for _, t, _ in apps)))
    toks = [t + ";" for t in flog.split(";")[:-1]] if flog else []
    check("append tokens", sorted(toks) == sorted(t for _, t, _ in apps) and len(set(toks)) == len(toks),
          "every token once (%d)" % len(toks))
    order = all([t for t in toks if t.startswith("%d." % cid)] ==
                [e[1] for e in l if e[0] == "append"] for cid, l in enumerate(logs))
    check("append order", order, "each client's tokens in its order")

    # set
    sets = [(cid, e[1], e[2]) for cid, l in enumerate(logs) for e in l if e[0] == "set"]
    lasts = {}
    for cid, t, _ in sets:
        lasts[cid] = t
    freg = get("reg")
    check("set replies", all(r == "STORED" for _, _, r in sets),
          "%d sets, replies %s" % (len(sets), sorted(set(r for _, _, r in sets))))
    okreg = (freg == (99, "init") and not sets) or \
        any(freg == (cid, t) for cid, t in lasts.items())
    check("set final", okreg, "final %r (flags %r) is a client's last set" % (freg[1], freg[0]))

    # cas
    cass = [e for l in logs for e in l if e[0] == "cas"]
    stored = sorted(e[2] for e in cass if e[3] == "STORED")
    check("cas replies", all(e[3] in ("STORED", "EXISTS") for e in cass),
          "%d cas, %d STORED, replies %s" % (len(cass), len(stored), sorted(set(e[3] for e in cass))))
    check("cas values", stored == list(range(1, len(stored) + 1)) and get("cas")[1] == str(len(stored)),
          "stored 1..%d, final %s" % (len(stored), get("cas")[1]))

    # gets: values that were valid at some point
    ends, at = {}, 0
    for t in toks:
        at += len(t)
        ends[t] = at
    ctrvals = {CTR0} | set(reps)
    tokset = {(cid, t) for cid, t, _ in sets} | {(99, "init")}
    casvals = {0} | set(stored)
    bad = []
    ngets = 0
    for cid, l in enumerate(logs):
        seen, mine, loglen = CTR0, [], 0
        for e in l:
            if e[0] == "incr":
                seen = e[2]
            elif e[0] == "append":
                mine.append(e[1])
            elif e[0] == "get":
                ngets += 1
                v, keys = e[1], e[2]
                if sorted(v) != sorted(keys):
                    bad.append("client %d: get %s returned %s" % (cid, keys, sorted(v)))
                if "ctr" in v:
                    f, d = v["ctr"]
                    if f != 0 or not d.isdigit() or int(d) not in ctrvals or int(d) < seen:
                        bad.append("client %d: ctr %r after seeing %d" % (cid, d, seen))
                    elif int(d) >= seen:
                        seen = int(d)
                if "log" in v:
                    f, d = v["log"]
                    if f != 0 or not flog.startswith(d) or len(d) < loglen or \
                            (mine and ends.get(mine[-1], len(flog) + 1) > len(d)):
                        bad.append("client %d: log of %d bytes not a prefix of the final value "
                                   "holding its %d appends" % (cid, len(d), len(mine)))
                    loglen = len(d)
                if "reg" in v and tuple(v["reg"]) not in tokset:
                    bad.append("client %d: reg %r" % (cid, v["reg"]))
                if "cas" in v and (not v["cas"][1].isdigit() or int(v["cas"][1]) not in casvals):
                    bad.append("client %d: cas %r" % (cid, v["cas"]))
    check("get values", not bad, "; ".join(bad[:5]) if bad else "%d gets, every value valid then" % ngets)
    print("ops %d (incr %d, append %d, set %d, cas %d, get %d)" %
          (nops_done, len(incrs), len(apps), len(sets), len(cass), ngets))
    check("ops", nops_done >= nclients, "%d requests by %d clients" % (nops_done, nclients))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
