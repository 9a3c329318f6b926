"""CPython's side of `java -jar bench/target/mp4j-bench.jar compare`.

One long-lived process driven over stdin/stdout, so that its pool stays warm between repetitions just
as the Java side's does: a command per line, `<workload> <size>`, and one JSON line back,
`{"ok": true, "value": <number>}` in the unit the Java side expects, or `{"ok": false, "error": "..."}`.
`hello` answers with the interpreter's facts; `quit` (or the end of stdin) closes the pool and exits.

Standard library only, except the workloads that say they need numpy (the Java side leaves them out when
`hello` reports no numpy). Children that a workload keeps warm between repetitions (an echo, a producer,
a process holding a lock or a managed dict, a reader) answer requests through a `Pipe`, like the Java
side's; they, the shared memory blocks and the pool are closed by `quit`.
Run it by hand to try a workload: `echo "pool_map 1000" | python3 bench/python/compare_workloads.py`.
"""
import json
import math
import multiprocessing as mp
import os
import platform
import sys
import time
import traceback
from multiprocessing import resource_tracker, shared_memory

KERNEL_CHUNK = 1_000_000
DICT_KEYS = 1_000
READ_PASSES = 4


def inc(x):
    return x + 1


def answer():
    return 42


BURN_NS = 20_000


def burn(x):
    """x + 1 after burning BURN_NS of this thread's CPU time."""
    end = time.thread_time_ns() + BURN_NS
    while time.thread_time_ns() < end:
        pass
    return x + 1


def trivial():
    pass


class _Failure:
    """A warm child's reply when its handler raised: the traceback, raised again in the parent."""

    def __init__(self, description):
        self.description = description


def _serve(conn, handler, args):
    """A warm child's loop: replies handler(request, *args) to each request, until None or the end."""
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            reply = handler(request, *args)
        except Exception:
            reply = _Failure(traceback.format_exc())
        conn.send(reply)


class _Servant:
    """A warm child Process with a handler, and the parent's end of the Pipe to it."""

    def __init__(self, handler, *args):
        self.conn, child_conn = mp.Pipe()
        self.process = mp.Process(target=_serve, args=(child_conn, handler, args), daemon=True)
        self.process.start()
        child_conn.close()

    def send(self, request):
        self.conn.send(request)

    def receive(self):
        reply = self.conn.recv()
        if isinstance(reply, _Failure):
            raise RuntimeError("warm child failed: " + reply.description)
        return reply

    def call(self, request):
        self.send(request)
        return self.receive()

    def close(self):
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(10)
        self.conn.close()


def _echo(request):
    return request


def _produce(count, queue):
    for i in range(count):
        queue.put(i)
    return count


def _increment_under_lock(times, value):
    lock = value.get_lock()
    for _ in range(times):
        with lock:
            value.value += 1
    return times


def _set_and_get(pairs, d):
    """The client's loop, in the child: d[k] = i then d[k], each read checked; returns the ns it took."""
    start = time.perf_counter_ns()
    for i in range(pairs):
        key = i % DICT_KEYS
        d[key] = i
        if d[key] != i:
            raise RuntimeError("wrong read of key %d: expected %d" % (key, i))
    return time.perf_counter_ns() - start


_ATTACHED = {}


def _attached(name, dtype, length):
    """A shared memory block as an ndarray, attached once per process (a pool worker or a warm child)."""
    import numpy as np
    entry = _ATTACHED.get(name)
    if entry is None:
        block = shared_memory.SharedMemory(name=name)
        entry = (block, np.ndarray((length,), dtype=dtype, buffer=block.buf))
        _ATTACHED[name] = entry
    return entry[1]


def _sum_sqrt_sin(x):
    import numpy as np
    return float(np.sum(np.sqrt(x) * np.sin(x)))


def _kernel_chunk(name, length, lo, hi):
    import numpy as np
    return _sum_sqrt_sin(_attached(name, np.float64, length)[lo:hi])


def _sum_passes(passes, name, length):
    """Sums the block `passes` times, in the child; returns the sum and the ns all passes took."""
    import numpy as np
    values = _attached(name, np.int64, length)
    start = time.perf_counter_ns()
    first = None
    for _ in range(passes):
        total = int(values.sum())
        if first is not None and total != first:
            raise RuntimeError("passes differ: %d then %d" % (first, total))
        first = total
    return [first, time.perf_counter_ns() - start]


def _nearest_rank(percentile, count):
    return max(0, math.ceil(percentile / 100 * count) - 1)


def _check_sum(what, total, expected):
    if not abs(total - expected) <= 1e-9 * abs(expected):
        raise RuntimeError("wrong %s sum: %r, expected %r" % (what, total, expected))


class _SharedBlock:
    """A shared_memory block made here, seen as an ndarray of `length` elements; unlinked on close."""

    def __init__(self, dtype, length):
        import numpy as np
        self.block = shared_memory.SharedMemory(create=True, size=max(1, length * np.dtype(dtype).itemsize))
        self.array = np.ndarray((length,), dtype=dtype, buffer=self.block.buf)
        self.length = length

    def close(self):
        self.array = None
        self.block.close()
        self.block.unlink()


class _Kept:
    """What a workload keeps warm: its parts as attributes, and how to close them (last opened first)."""

    def __init__(self, closers, **parts):
        self.__dict__.update(parts)
        self._closers = closers

    def close(self):
        for closer in reversed(self._closers):
            closer()


class Workloads:
    """The workloads, each `name(size) -> value`; the warm pool is shared by the pool rows."""

    def __init__(self):
        self._pool = None
        self._items = {}
        self._kept = {}

    def close(self):
        for name in reversed(list(self._kept)):
            self._kept.pop(name).close()
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def _keep(self, name, opener):
        """What a workload keeps warm between repetitions, opened on first use and closed by close()."""
        kept = self._kept.get(name)
        if kept is None:
            kept = opener()
            self._kept[name] = kept
        return kept

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
        return self._pool_start(size, mp)

    def pool_start_spawn(self, size):
        """ms from Pool(2) with the spawn start method to its first result; closing is not timed."""
        return self._pool_start(size, mp.get_context("spawn"))

    def _pool_start(self, size, context):
        elapsed = 0.0
        for _ in range(size):
            start = time.perf_counter()
            pool = context.Pool(2)
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

    def pool_map_cost(self, size):
        """ns per item of map(x + 1) over `size` integers, default chunksize."""
        return 1e9 / self._map(size, None)

    def pool_map_burn_speed_up(self, size):
        """serial time / Pool(2) map time over `size` items that each burn BURN_NS of CPU."""
        pool = self._warm_pool()
        items = self._range(size)
        start = time.perf_counter()
        serial = [burn(x) for x in items]
        middle = time.perf_counter()
        results = pool.map(burn, items)
        end = time.perf_counter()
        if results != serial or results[-1] != size:
            raise RuntimeError("wrong results")
        return (middle - start) / (end - middle)

    def pool_apply(self, size):
        """µs per synchronous apply round trip, `size` of them back to back."""
        pool = self._warm_pool()
        start = time.perf_counter()
        for _ in range(size):
            if pool.apply(answer) != 42:
                raise RuntimeError("wrong result")
        return (time.perf_counter() - start) / size * 1e6

    def pipe_round_trip_p50(self, size):
        """µs, median of `size` round trips to a warm child that echoes, back to back."""
        return self._round_trips(size, 50, 0)

    def pipe_round_trip_p99(self, size):
        """µs, 99th percentile of `size` round trips, back to back."""
        return self._round_trips(size, 99, 0)

    def pipe_round_trip_idle_20us_p50(self, size):
        """µs, median of `size` round trips, each after the sender idled 20 µs."""
        return self._round_trips(size, 50, 20_000)

    def pipe_round_trip_idle_1ms_p50(self, size):
        """µs, median of `size` round trips, each after the sender idled 1 ms."""
        return self._round_trips(size, 50, 1_000_000)

    def _round_trips(self, size, percentile, idle_ns):
        conn = self._keep("echo", lambda: _Servant(_echo)).conn
        clock = time.perf_counter_ns
        nanos = [0] * size
        for i in range(size):
            if idle_ns:
                resume = clock() + idle_ns
                while clock() < resume:
                    pass
            start = clock()
            conn.send(i)
            echoed = conn.recv()
            nanos[i] = clock() - start
            if echoed != i:
                raise RuntimeError("wrong echo: sent %d, received %r" % (i, echoed))
        nanos.sort()
        return nanos[_nearest_rank(percentile, size)] / 1e3

    def queue_throughput(self, size):
        """messages/s from a warm producer Process through a Queue to this process."""
        def open_producer():
            queue = mp.Queue()
            servant = _Servant(_produce, queue)
            return _Kept([queue.close, servant.close], queue=queue, servant=servant)
        producer = self._keep("producer", open_producer)
        queue, servant = producer.queue, producer.servant
        get = queue.get
        start = time.perf_counter()
        servant.send(size)
        for i in range(size):
            message = get()
            if message != i:
                raise RuntimeError("wrong message: expected %d, received %r" % (i, message))
        elapsed = time.perf_counter() - start
        if servant.receive() != size:
            raise RuntimeError("producer's count differs")
        return size / elapsed

    def kernel_pool(self, size):
        """s for the sum of sqrt(x)*sin(x) over `size` doubles in shared memory on the warm Pool(2)."""
        data, serial_sum = self._kernel_data(size)
        pool = self._warm_pool()
        start = time.perf_counter()
        total = self._kernel_on_pool(pool, data, size)
        elapsed = time.perf_counter() - start
        _check_sum("pool", total, serial_sum)
        return elapsed

    def kernel_speed_up(self, size):
        """serial time / Pool(2) time for the same kernel, serial in this process over the same block."""
        data, serial_sum = self._kernel_data(size)
        pool = self._warm_pool()
        start = time.perf_counter()
        serial = self._kernel_serial(data, size)
        middle = time.perf_counter()
        total = self._kernel_on_pool(pool, data, size)
        end = time.perf_counter()
        _check_sum("serial", serial, serial_sum)
        _check_sum("pool", total, serial_sum)
        return (middle - start) / (end - middle)

    def _kernel_data(self, size):
        def fill():
            import numpy as np
            data = _SharedBlock(np.float64, size)
            for lo in range(0, size, KERNEL_CHUNK):
                hi = min(size, lo + KERNEL_CHUNK)
                data.array[lo:hi] = np.arange(lo, hi, dtype=np.float64) / 1000.0
            data.serial_sum = self._kernel_serial(data, size)
            return data
        data = self._keep("kernel %d" % size, fill)
        return data, data.serial_sum

    @staticmethod
    def _kernel_serial(data, size):
        return sum(_sum_sqrt_sin(data.array[lo:min(size, lo + KERNEL_CHUNK)])
                   for lo in range(0, size, KERNEL_CHUNK))

    @staticmethod
    def _kernel_on_pool(pool, data, size):
        tasks = [(data.block.name, size, lo, min(size, lo + KERNEL_CHUNK)) for lo in range(0, size, KERNEL_CHUNK)]
        return sum(pool.starmap(_kernel_chunk, tasks, chunksize=1))

    def locked_increments(self, size):
        """increments/s of `with v.get_lock(): v.value += 1`, half here and half in a warm Process."""
        def open_counter():
            value = mp.Value("q", 0)
            servant = _Servant(_increment_under_lock, value)
            return _Kept([servant.close], value=value, servant=servant)
        counter = self._keep("counter", open_counter)
        value, servant = counter.value, counter.servant
        value.value = 0
        child_share = size // 2
        start = time.perf_counter()
        servant.send(child_share)
        _increment_under_lock(size - child_share, value)
        done = servant.receive()
        elapsed = time.perf_counter() - start
        if done != child_share or value.value != size:
            raise RuntimeError("lost or extra increments: %d, expected %d" % (value.value, size))
        return size / elapsed

    def dict_ops(self, size):
        """ops/s of d[k] = i then d[k] on a Manager().dict() from a warm Process, timed in that Process."""
        def open_dict():
            manager = mp.Manager()
            d = manager.dict()
            servant = _Servant(_set_and_get, d)
            return _Kept([manager.shutdown, servant.close], d=d, servant=servant)
        kept = self._keep("dict", open_dict)
        pairs = size // 2
        elapsed_ns = kept.servant.call(pairs)
        last = pairs - 1
        if kept.d[last % DICT_KEYS] != last:
            raise RuntimeError("the child's last write is not in the dict")
        return 2 * pairs / (elapsed_ns / 1e9)

    def read_bandwidth(self, size):
        """GB/s of a warm Process summing a shared_memory block of `size` int64 with numpy, 4 passes."""
        def open_reader():
            import numpy as np
            block = _SharedBlock(np.int64, size)
            block.array[:] = np.arange(size, dtype=np.int64)
            servant = _Servant(_sum_passes, block.block.name, size)
            kept = _Kept([block.close, servant.close], servant=servant)
            try:
                _check_read(size, 1, servant.call(1))
            except BaseException:
                kept.close()
                raise
            return kept
        reader = self._keep("reader %d" % size, open_reader)
        return _check_read(size, READ_PASSES, reader.servant.call(READ_PASSES))


def _check_read(size, passes, reply):
    total, elapsed_ns = reply
    if total != size * (size - 1) // 2:
        raise RuntimeError("wrong sum: %d, expected %d" % (total, size * (size - 1) // 2))
    return passes * size * 8 / elapsed_ns


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
    # Every child (pool workers included) then shares this process's resource tracker: a shared memory
    # block a child attaches is the one this process unlinks, not one a child's own tracker would call
    # leaked and unlink again when the child exits.
    resource_tracker.ensure_running()
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
