#!/usr/bin/env python3
"""End-of-DATA latency at a fixed message rate: what the gateway adds over the direct path.

  bench/latency.py --rate 400 --seconds 20 --sessions 20 DIRECT_HOST:PORT GATEWAY_HOST:PORT

Runs the same open-loop load (messages start on a fixed schedule, not when the last finished,
so a slow server cannot hide its queueing) against each target in turn, and for each message
times the last byte of the message to the reply to the end of data. Prints p50/p90/p99/max
per target and the difference. Loopback targets only.
"""
import argparse, socket, statistics, sys, threading, time

def session(target, schedule, out, lock, size):
    host, port = target.rsplit(":", 1)
    body = ("From: sender@other.org\r\nTo: user@example.net\r\nSubject: latency\r\n\r\n"
            + ("x" * 76 + "\r\n") * max(1, size // 78) + ".\r\n").encode()
    s = socket.create_connection((host, int(port)), timeout=30)
    f = s.makefile("rb")
    def reply():
        while True:
            line = f.readline()
            if not line:
                raise IOError("closed")
            if line[3:4] != b"-":
                return line
    reply()
    s.sendall(b"EHLO bench.other.org\r\n"); reply()
    for at in schedule:
        delay = at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        s.sendall(b"MAIL FROM:<sender@other.org>\r\nRCPT TO:<user@example.net>\r\nDATA\r\n")
        if not reply().startswith(b"250") or not reply().startswith(b"250") or not reply().startswith(b"354"):
            with lock:
                out.append(None)
            s.sendall(b"RSET\r\n"); reply()
            continue
        s.sendall(body)
        t0 = time.monotonic()
        r = reply()
        t1 = time.monotonic()
        with lock:
            out.append((t1 - t0) * 1000 if r.startswith(b"250") else None)
    s.sendall(b"QUIT\r\n")
    s.close()

def run(target, rate, seconds, sessions, size):
    start = time.monotonic() + 0.5
    n = int(rate * seconds)
    schedules = [[] for _ in range(sessions)]
    for i in range(n):
        schedules[i % sessions].append(start + i / rate)
    out, lock = [], threading.Lock()
    threads = [threading.Thread(target=session, args=(target, sch, out, lock, size)) for sch in schedules]
    for t in threads: t.start()
    for t in threads: t.join()
    ok = sorted(x for x in out if x is not None)
    failed = len(out) - len(ok)
    q = lambda p: ok[min(len(ok) - 1, int(p * len(ok)))]
    return {"sent": len(out), "failed": failed, "p50": q(0.50), "p90": q(0.90), "p99": q(0.99), "max": ok[-1]}

def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--rate", type=float, default=400)
    a.add_argument("--seconds", type=float, default=20)
    a.add_argument("--sessions", type=int, default=20)
    a.add_argument("--size", type=int, default=5120)
    a.add_argument("direct")
    a.add_argument("gateway")
    o = a.parse_args()
    for t in (o.direct, o.gateway):
        if not (t.startswith("127.") or t.startswith("localhost:")):
            sys.exit("loopback targets only")
    res = {}
    for name, t in (("direct", o.direct), ("gateway", o.gateway)):
        r = run(t, o.rate, o.seconds, o.sessions, o.size)
        res[name] = r
        print(f"{name:8} rate={o.rate:.0f}/s sent={r['sent']} failed={r['failed']} "
              f"p50={r['p50']:.2f}ms p90={r['p90']:.2f}ms p99={r['p99']:.2f}ms max={r['max']:.2f}ms")
    d, g = res["direct"], res["gateway"]
    print(f"added    p50={g['p50'] - d['p50']:.2f}ms p90={g['p90'] - d['p90']:.2f}ms p99={g['p99'] - d['p99']:.2f}ms")

if __name__ == "__main__":
    main()
