package io.mp4j.examples;

import io.mp4j.process.ChildProcess;
import io.mp4j.queue.SharedQueue;

/**
 * A child puts a message on a shared queue; the parent takes it. Python:
 * <pre>
 * q = Queue()
 * p = Process(target=worker, args=(q,))
 * p.start()
 * print(q.get())
 * p.join()
 * </pre>
 */
public final class QueueExample
{
    private QueueExample()
    {
    }

    /**
     * Runs the example.
     *
     * @param args unused.
     * @throws InterruptedException if interrupted while waiting.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        // The queue lives in shared memory; closing it here unmaps it in this JVM.
        try (SharedQueue<String> queue = SharedQueue.create())
        {
            // Capturing the queue in the target hands the child a small handle: it attaches the same memory.
            final ChildProcess worker = new ChildProcess(() -> queue.put("Hello from worker!"));
            worker.start();
            // take() waits until the child's message is there; put() in the child never waited for us.
            System.out.println(queue.take());
            worker.join();
        }
    }
}
