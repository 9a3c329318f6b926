package io.mp4j.sharedstate;

import io.mp4j.connection.Pipe;
import io.mp4j.manager.Manager;
import io.mp4j.manager.SharedList;
import io.mp4j.pool.Pool;
import io.mp4j.process.ChildProcess;
import io.mp4j.queue.SharedQueue;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedDoubleArray;
import io.mp4j.shared.SharedInt;
import io.mp4j.sharedmemory.SharedMemory;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedSemaphore;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * A JVM that makes one object of every kind mp4j keeps in files, holds them while the test looks at the
 * files, and removes them when its standard input closes: values, arrays, the lock family, a queue and a
 * pipe each with a spilled message, a manager's list and namespace, a pool, a child, a named shared
 * memory block, and doorbells (a thread of this JVM and the child each asleep on an event).
 */
public final class EveryKindMain
{
    private static final int SPILLED_BYTES = 1 << 20;

    private EveryKindMain()
    {
    }

    /**
     * Makes everything, prints {@code umask <mask>} and {@code ready}, waits for standard input to close.
     *
     * @param args unused.
     * @throws Exception on failure, which the test sees as a non-zero exit.
     */
    public static void main(final String[] args) throws Exception
    {
        Files.readAllLines(Paths.get("/proc/self/status")).stream()
            .filter(line -> line.startsWith("Umask:"))
            .forEach(line -> System.out.println("umask " + line.substring("Umask:".length()).strip()));
        final Session session = Session.current();
        System.out.println("session " + session.directory());

        final SharedInt value = SharedInt.create(1);
        final SharedDoubleArray array = SharedDoubleArray.create(16);
        final SharedLock lock = SharedLock.create();
        final SharedSemaphore semaphore = SharedSemaphore.create(1);
        final SharedEvent event = SharedEvent.create();
        final SharedQueue<byte[]> queue = SharedQueue.create();
        queue.put(new byte[SPILLED_BYTES]);
        final Pipe pipe = Pipe.open();
        pipe.first().send(new byte[SPILLED_BYTES]);
        final Manager manager = new Manager();
        final SharedList<String> list = manager.list();
        list.add("item");
        manager.namespace().set("name", "value");
        final SharedMemory block = SharedMemory.create("every-kind-" + ProcessHandle.current().pid(), 64);
        final Pool pool = new Pool(1);
        System.out.println("pool " + pool.apply(() -> 6 * 7));
        final ChildProcess child = new ChildProcess(() -> event.await(1, TimeUnit.MINUTES)).start();
        final Thread sleeper = new Thread(() ->
        {
            try
            {
                event.await(1, TimeUnit.MINUTES);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        sleeper.start();
        System.out.println("ready");

        while (System.in.read() >= 0)
        {
            // Wait for the test to close standard input.
        }
        event.set();
        sleeper.join();
        child.join();
        pool.close();
        pool.join();
        block.close();
        block.unlink();
        manager.close();
        pipe.close();
        queue.close();
        System.out.println("ended " + value.get() + ' ' + array + ' ' + lock + ' ' + semaphore + ' ' +
            child.exitCode().orElse(-1));
    }
}
