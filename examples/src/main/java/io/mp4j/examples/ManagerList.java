package io.mp4j.examples;

import io.mp4j.manager.Manager;
import io.mp4j.manager.SharedList;
import io.mp4j.process.ChildProcess;

/**
 * A child appends to a manager list; the parent prints it. Python:
 * <pre>
 * with Manager() as manager:
 *     shared = manager.list()
 *     p = Process(target=add_hello, args=(shared,))
 *     p.start(); p.join()
 *     print(shared)
 * </pre>
 */
public final class ManagerList
{
    private ManagerList()
    {
    }

    /**
     * Runs the example.
     *
     * @param args unused.
     * @throws InterruptedException if interrupted while joining the child.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        // The manager's list lives in shared memory of the session: no server process, each JVM maps it.
        try (Manager manager = new Manager())
        {
            final SharedList<String> shared = manager.list();
            // The list is passed by handle: the child maps the same list and appends to it.
            new ChildProcess(ManagerList::addHello, shared).start().join();
            System.out.println(shared);
        }
    }

    private static void addHello(final SharedList<String> shared)
    {
        shared.add("Hello");
    }
}
