"""CPython's side of `java -jar bench/target/mp4j-bench.jar compare`.

One long-lived process driven over stdin/stdout, so that its pool stays warm between repetitions just
as the Java side's does: a command per line, `<workload> <size>`, and one JSON line back,
`{"ok": true, "value": <number>}` in the unit the Java side expects, or `{"ok": false, "error": "..."}`.
`hello` answers with the interpreter's facts; `quit` (or the end of stdin) closes the pool and exits.

Standard library only (numpy is reported when importable, for workloads that will use it).
Run it by hand to try a workload: `echo "pool_map 1000" | python3 bench/python/compare_workloads.py`.
"""
import json
import multiprocessing as mp
import os
import platform
import sys
import time
import traceback


def inc(x):
    return x + 1


def answer():
    return 42


def trivial():
    pass


class Workloads:
    """The workloads, each `name(size) -> value`; the warm pool is shared by the pool rows."""

    def __init__(self):
        self._pool = None
        self._items = {}

    def close(self):
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def _warm_pool(self):
        if self._pool is None:
            self._pool = mp.Pool(2)
            self._pool.apply(answer)
        return self._pool

    def _range(self, size):
        items = self._items.get(size)
        if items is None:
            items = list(range(size))
            self._items = {size: items}
        return items

    def process_start(self, size):
        """ms per start + join of a spawned process with a trivial target."""
        context = mp.get_context("spawn")
        start = time.perf_counter()
        for _ in range(size):
            process = context.Process(target=trivial)
            process.start()
            process.join()
            if process.exitcode != 0:
                raise RuntimeError("child exit code %s" % process.exitcode)
        return (time.perf_counter() - start) / size * 1e3

    def pool_start(self, size):
        """ms from Pool(2) (default start method) to its first result; closing is not timed."""
        elapsed = 0.0
        for _ in range(size):
            start = time.perf_counter()
            pool = mp.Pool(2)
            result = pool.apply(answer)
            elapsed += time.perf_counter() - start
            pool.close()
            pool.join()
            if result != 42:
                raise RuntimeError("wrong result %r" % result)
        return elapsed / size * 1e3

    def pool_map(self, size):
        """tasks/s of map(x + 1) over `size` integers, default chunksize."""
        return self._map(size, None)

    def pool_map_chunksize1(self, size):
        """tasks/s of map(x + 1) over `size` integers, chunksize 1."""
        return self._map(size, 1)

    def _map(self, size, chunksize):
        pool = self._warm_pool()
        items = self._range(size)
        start = time.perf_counter()
        results = pool.map(inc, items, chunksize)
        elapsed = time.perf_counter() - start
        if len(results) != size or results[-1] != size:
            raise RuntimeError("wrong results")
        return size / elapsed

    def pool_apply(self, size):
        """µs per synchronous apply round trip, `size` of them back to back."""
        pool = self._warm_pool()
        start = time.perf_counter()
        for _ in range(size):
            if pool.apply(answer) != 42:
                raise RuntimeError("wrong result")
        return (time.perf_counter() - start) / size * 1e6


def hello():
    try:
        import numpy
        numpy_version = numpy.__version__
    except ImportError:
        numpy_version = None
    return {
        "ok": True,
        "implementation": platform.python_implementation(),
        "python": platform.python_version(),
        "start_method": mp.get_start_method(),
        "numpy": numpy_version,
        "cpu_count": os.cpu_count(),
    }


def main():
    # Replies go to a private copy of stdout; anything else printing (a library, a child) goes to stderr.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout = sys.stderr
    workloads = Workloads()
    try:
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            name = words[0]
            if name == "quit":
                break
            try:
                if name == "hello":
                    reply = hello()
                else:
                    workload = getattr(workloads, name, None)
                    if workload is None or name.startswith("_") or name == "close":
                        raise ValueError("unknown workload: %s" % name)
                    reply = {"ok": True, "value": workload(int(words[1]))}
            except Exception as error:
                traceback.print_exc()
                reply = {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
            replies.write(json.dumps(reply) + "\n")
    finally:
        workloads.close()


if __name__ == "__main__":
    main()
