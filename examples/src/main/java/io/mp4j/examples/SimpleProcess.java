package io.mp4j.examples;

import io.mp4j.process.ChildProcess;

/**
 * Starts one child JVM that prints a greeting, and waits for it. Python:
 * <pre>
 * p = Process(target=say_hello)
 * p.start()
 * p.join()
 * </pre>
 */
public final class SimpleProcess
{
    private SimpleProcess()
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
        // The target is a serializable lambda: it is written to the session and run in the child JVM.
        final ChildProcess child = new ChildProcess(() -> System.out.println("Hello from a separate process!"));
        child.start();
        // join() returns once the child has exited and everything it printed has been copied here.
        child.join();
    }
}
