package io.mp4j.examples;

import io.mp4j.manager.Manager;
import io.mp4j.process.ChildProcess;

import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Two children write keys into a manager dict; the parent prints the sorted entries. Python:
 * <pre>
 * with Manager() as manager:
 *     d = manager.dict()
 *     for name in ("first", "second"):
 *         Process(target=fill, args=(d, name)).start() ... join()
 *     print(sorted(d.items()))
 * </pre>
 */
public final class ManagerDict
{
    private ManagerDict()
    {
    }

    /**
     * Runs the example.
     *
     * @param args unused.
     * @throws InterruptedException if interrupted while joining the children.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        // The manager's dict is a Chronicle Map in the session (the mp4j-chronicle artifact): no server
        // process, each JVM maps it.
        try (Manager manager = new Manager())
        {
            final ConcurrentMap<String, Integer> dict = manager.dict();
            // The dict is passed by handle: each child opens the same map and writes into it.
            final ChildProcess first = new ChildProcess(ManagerDict::fill, dict, "first").start();
            final ChildProcess second = new ChildProcess(ManagerDict::fill, dict, "second").start();
            first.join();
            second.join();
            System.out.println(new TreeMap<>(dict));
        }
    }

    private static void fill(final ConcurrentMap<String, Integer> dict, final String name)
    {
        dict.put(name, name.length());
        dict.put(name + "-squared", name.length() * name.length());
    }
}
