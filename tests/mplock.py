#!/usr/bin/python3
"""Two processes share a lock made by CPython's multiprocessing.

usage: mplock.py ROUNDS

multiprocessing.Lock is a POSIX named semaphore (sem_open), inherited by
fork. Each of two child processes takes it ROUNDS times; holding it, it
reads a counter from the file "counter" in the working directory, writes
it back one higher and prints "pK I V" (process K, its round I, the value
V it wrote). The parent prints "total N" at the end. Which process gets
the lock when is timing: replicas agree only when the semaphore is ordered
across the processes of a replica (libreplicant-pthread's named
semaphores). Every correct run has each process's rounds in order, the
values 1..2*ROUNDS each once, and "total 2*ROUNDS" last.
"""
import multiprocessing as mp
import sys


def work(lock, name, rounds):
    for i in range(rounds):
        with lock:
            with open("counter", "r+") as f:
                v = int(f.read()) + 1
                f.seek(0)
                f.write(str(v))
                f.truncate()
            print(f"{name} {i} {v}", flush=True)


def main():
    rounds = int(sys.argv[1])
    mp.set_start_method("fork")
    with open("counter", "w") as f:
        f.write("0")
    lock = mp.Lock()
    procs = [mp.Process(target=work, args=(lock, f"p{k}", rounds)) for k in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    with open("counter") as f:
        print("total", f.read(), flush=True)
    return 0 if all(p.exitcode == 0 for p in procs) else 1


if __name__ == "__main__":
    sys.exit(main())
