package io.mp4j.examples;

import io.mp4j.process.ChildProcess;
import io.mp4j.shared.SharedInt;
import io.mp4j.sync.SharedLock;

import java.util.ArrayList;
import java.util.List;

/**
 * Five child JVMs each read a shared counter, pause, and write it back plus one; a shared lock makes
 * each read-pause-write whole, so no update is lost. Python:
 * <pre>
 * def add_one(counter, lock):
 *     with lock:
 *         value = counter.value
 *         time.sleep(0.1)
 *         counter.value = value + 1
 *
 * counter, lock = RawValue('i', 0), Lock()
 * processes = [Process(target=add_one, args=(counter, lock)) for _ in range(5)]
 * ...
 * print(counter.value)   # 5
 * </pre>
 */
public final class Locking
{
    private Locking()
    {
    }

    /**
     * Runs the example; prints {@code 5}.
     *
     * @param args unused.
     * @throws InterruptedException if interrupted while joining the children.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        // RawValue: no lock of its own; the separate SharedLock guards it. Both are handles to shared memory.
        try (SharedInt counter = SharedInt.createRaw(0);
            SharedLock lock = SharedLock.create())
        {
            final List<ChildProcess> children = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                children.add(new ChildProcess(Locking::addOne, counter, lock).start());
            }
            for (final ChildProcess child : children)
            {
                child.join();
            }
            System.out.println(counter.get());
        }
    }

    // The resource only marks the held section, as Python's "with lock:" does.
    @SuppressWarnings("try")
    private static void addOne(final SharedInt counter, final SharedLock lock) throws InterruptedException
    {
        try (var held = lock.acquire())
        {
            final int value = counter.get();
            // Without the lock, the other children would read the same value during this pause.
            Thread.sleep(100);
            counter.set(value + 1);
        }
    }
}
