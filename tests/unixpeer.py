"""The other end of a unix socket, run plain, for the credential tests:
what the kernel tells it of its peer's ids.

  unixpeer.py serve PATH   listens on PATH (mode 0777), prints "ready",
                           accepts one connection and prints its peer's ids
                           (SO_PEERCRED) and those its first message
                           carried (SCM_CREDENTIALS); at most 20 s
  unixpeer.py ask PATH     connects to PATH (waiting up to 5 s for it) and
                           prints the listener's ids (SO_PEERCRED)
"""
import os
import socket
import struct
import sys
import time


def ids(raw):
    _pid, uid, gid = struct.unpack("3i", raw[:12])
    return "uid %d gid %d" % (uid, gid)


def serve(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(path):
        os.unlink(path)
    s.bind(path)
    os.chmod(path, 0o777)
    s.listen(1)
    s.settimeout(20)
    print("ready", flush=True)
    c, _ = s.accept()
    c.settimeout(20)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    peer = ids(c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    _msg, anc, _flags, _addr = c.recvmsg(64, socket.CMSG_SPACE(12))
    sent = [ids(d) for (lvl, typ, d) in anc if lvl == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS]
    print("peer %s; message %s" % (peer, sent[0] if sent else "none"), flush=True)


def ask(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(100):
        try:
            s.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.05)
    print("listener " + ids(s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)), flush=True)


if __name__ == "__main__":
    {"serve": serve, "ask": ask}[sys.argv[1]](sys.argv[2])
