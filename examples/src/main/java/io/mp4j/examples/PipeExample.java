package io.mp4j.examples;

import io.mp4j.connection.Connection;
import io.mp4j.connection.Pipe;
import io.mp4j.process.ChildProcess;

/**
 * A child sends a message through a pipe; the parent receives it. Python:
 * <pre>
 * parent_conn, child_conn = Pipe()
 * p = Process(target=sender, args=(child_conn,))
 * p.start()
 * print(parent_conn.recv())
 * p.join()
 * </pre>
 */
public final class PipeExample
{
    private PipeExample()
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
        // Two connected ends, each backed by a ring buffer in shared memory.
        try (Pipe pipe = Pipe.open())
        {
            final Connection parentEnd = pipe.first();
            final Connection childEnd = pipe.second();
            // The child attaches the end it captured: its own copy, as a forked Python child gets its own descriptor.
            final ChildProcess sender = new ChildProcess(() ->
            {
                childEnd.send("Data from the process");
                childEnd.close();
            });
            sender.start();
            // As in Python, the parent closes its copy of the child's end, so that only the child holds it.
            childEnd.close();
            // recv() waits for the message; had the child died first, it would end with EndOfStreamException.
            System.out.println(parentEnd.recv());
            sender.join();
        }
    }
}
