"""CPython's multiprocessing on the pool workloads of io.mp4j.bench.PoolBenchmark, for side-by-side numbers."""
import multiprocessing as mp
import statistics
import time


def inc(x):
    return x + 1


def answer():
    return 42


def noop(x):
    return x


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    with mp.Pool(2) as pool:
        pool.map(noop, range(4))
        items = list(range(1_000_000))
        t = timed(lambda: pool.map(inc, items), 5)
        print("cpython map default chunksize: %.2f M tasks/s" % (len(items) / t / 1e6))
        items = list(range(100_000))
        t = timed(lambda: pool.map(inc, items, chunksize=1), 3)
        print("cpython map chunksize=1: %.1f k tasks/s" % (len(items) / t / 1e3))
        t = timed(lambda: [pool.apply(answer) for _ in range(1000)], 3)
        print("cpython apply round trip: %.0f us" % (t / 1000 * 1e6))

    def start():
        with mp.Pool(2) as pool:
            pool.apply(answer)
    print("cpython pool start to first result: %.0f ms" % (timed(start, 5) * 1e3))
