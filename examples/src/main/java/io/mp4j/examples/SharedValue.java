package io.mp4j.examples;

import io.mp4j.process.ChildProcess;
import io.mp4j.shared.SharedInt;

/**
 * A child JVM increments an {@code int} that lives in shared memory, and the parent sees it. Python:
 * <pre>
 * def increment(counter):
 *     with counter.get_lock():
 *         counter.value += 1
 *
 * counter = Value('i', 0)
 * p = Process(target=increment, args=(counter,))
 * p.start(); p.join()
 * print(counter.value)
 * </pre>
 */
public final class SharedValue
{
    private SharedValue()
    {
    }

    /**
     * Runs the example; prints {@code 1}.
     *
     * @param args unused.
     * @throws InterruptedException if interrupted while joining the child.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        // Value('i', 0): an int in a memory-mapped file of this program's session, with its own lock.
        // Closing it unmaps it here; the session removes the file when this JVM exits.
        try (SharedInt counter = SharedInt.create(0))
        {
            // The handle is serialized to the child, which maps the same memory: no copy of the value.
            final ChildProcess child = new ChildProcess(SharedValue::increment, counter).start();
            child.join();
            System.out.println(counter.get());
        }
    }

    private static void increment(final SharedInt counter)
    {
        // An atomic add needs no lock: it is one fetch-and-add instruction on the shared memory.
        // (counter.getLock() is there for compound updates, as Python's get_lock().)
        counter.incrementAndGet();
    }
}
