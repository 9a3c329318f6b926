"""CPython's side of `mp4j-bench.jar wakeup`: Pipe round trips after the receiver idled.

Usage: python3 wakeup_latency.py WARMUP MESSAGES_0 MESSAGES_20US MESSAGES_1MS IDLE_SECONDS

Prints one line of key=value pairs per idle gap: the round trip's p50/p99 in microseconds and the CPU
each side used (percent of one core); then one line for the fully idle receiver.
"""

import multiprocessing as mp
import os
import sys
import time


def echo(conn):
    try:
        while True:
            conn.send_bytes(conn.recv_bytes())
    except EOFError:
        pass


def child_cpu_seconds(pid):
    """utime + stime of a process, from /proc (the parent cannot ask the child's own clock)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values, p):
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def run_gap(conn, pid, gap_ns, messages):
    payload = b"12345678"
    rtts = []
    child_before = child_cpu_seconds(pid)
    parent_before = time.thread_time()
    wall_before = time.perf_counter()
    for _ in range(messages):
        if gap_ns >= 1_000_000:
            time.sleep(gap_ns / 1e9)
        elif gap_ns > 0:
            until = time.perf_counter_ns() + gap_ns
            while time.perf_counter_ns() < until:
                pass
        start = time.perf_counter_ns()
        conn.send_bytes(payload)
        conn.recv_bytes()
        rtts.append(time.perf_counter_ns() - start)
    wall = time.perf_counter() - wall_before
    rtts.sort()
    return {
        "gap_us": gap_ns / 1000,
        "messages": messages,
        "p50_us": percentile(rtts, 50) / 1000,
        "p99_us": percentile(rtts, 99) / 1000,
        "receiver_cpu_pct": 100 * (child_cpu_seconds(pid) - child_before) / wall,
        "sender_cpu_pct": 100 * (time.thread_time() - parent_before) / wall,
    }


def line(values):
    return " ".join(f"{key}={value}" for key, value in values.items())


def main():
    warmup, m0, m20, m1000 = (int(arg) for arg in sys.argv[1:5])
    idle_seconds = float(sys.argv[5])
    parent, child = mp.Pipe(duplex=True)
    process = mp.Process(target=echo, args=(child,), daemon=True)
    process.start()
    child.close()
    try:
        run_gap(parent, process.pid, 0, warmup)
        for gap_ns, messages in ((0, m0), (20_000, m20), (1_000_000, m1000)):
            print(line(run_gap(parent, process.pid, gap_ns, messages)), flush=True)
        before = child_cpu_seconds(process.pid)
        time.sleep(idle_seconds)
        idle = 100 * (child_cpu_seconds(process.pid) - before) / idle_seconds
        print(line({"idle_receiver_cpu_pct": idle}), flush=True)
    finally:
        parent.close()
        process.join(5)
        if process.is_alive():
            process.kill()


if __name__ == "__main__":
    main()
