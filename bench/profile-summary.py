#!/usr/bin/env python3
"""Summarises an async-profiler 'collapsed' CPU profile of the gateway (bench/profile.sh).

  profile-summary.py FILE.collapsed

Prints the share of the samples by thread group, then, leaving out the JIT compiler threads
(whose work is the warm-up's), the leaf frames that took most samples and the inclusive share
of the parts of the gateway and of the JDK that the performance work is about.
"""
import collections
import re
import sys

# inclusive share of any stack that passes through a frame containing the text
PARTS = [
    ("SMTP commands (SubEthaSMTP + ours)", "SmtpCommands"),
    ("  policy: checks and rules", "PolicyEngine.compute"),
    ("  downstream SMTP client", "DownstreamConnection"),
    ("  DATA reading", "DataReader"),
    ("socket writes", "NioSocketImpl.write"),
    ("socket reads", "NioSocketImpl.implRead"),
    ("accept", "NioSocketImpl.accept"),
    ("close", "NioSocketImpl.close"),
    ("decision store writer (SQLite)", "DecisionWriter"),
    ("decision log (logback)", "ch/qos/logback"),
    ("JSON (Jackson)", "com/fasterxml/jackson"),
    ("rate limits", "RateLimit"),
    ("DNS (cache hits)", "net/portcullis/policy/dns"),
    ("Caffeine maintenance", "BoundedLocalCache.maintenance"),
    ("virtual thread timers (JDK 25 DelayScheduler)", "DelayScheduler"),
    ("virtual thread wake-ups (ForkJoinPool.signalWork)", "ForkJoinPool.signalWork"),
    ("I/O poller threads", "sun/nio/ch/Poller"),
    ("GC", "GC Thread"),
]


def main(path):
    total = 0
    by_thread = collections.Counter()
    leaf = collections.Counter()
    parts = collections.Counter()
    rest = 0
    for line in open(path, encoding="utf-8", errors="replace"):
        stack, _, n = line.rstrip("\n").rpartition(" ")
        if not n.isdigit():
            continue
        n = int(n)
        frames = stack.split(";")
        thread = re.sub(r"\d+", "N", frames[0])
        by_thread[thread] += n
        total += n
        if "Compiler" in thread:
            continue
        rest += n
        leaf[frames[-1]] += n
        for label, text in PARTS:
            if any(text in f for f in frames):
                parts[label] += n
    if total == 0:
        sys.exit("empty profile")
    print(f"\nCPU samples (1 ms of CPU each): {total}; by thread group:")
    for k, v in by_thread.most_common(12):
        print(f"  {100 * v / total:5.1f}%  {k}")
    print(f"\nwithout the JIT compiler threads ({rest} samples = 100%), the leaf frames:")
    for k, v in leaf.most_common(25):
        print(f"  {100 * v / rest:5.1f}%  {k}")
    print("\ninclusive, by part:")
    for label, _ in PARTS:
        print(f"  {100 * parts[label] / rest:5.1f}%  {label}")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) == 2 else 2)
    main(sys.argv[1])
