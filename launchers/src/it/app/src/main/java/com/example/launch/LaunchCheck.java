package com.example.launch;

import io.mp4j.manager.Manager;
import io.mp4j.pool.Pool;
import io.mp4j.process.ChildProcess;
import io.mp4j.queue.SharedQueue;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedLock;

import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * A small application that uses mp4j the way its README shows, launched by mp4j's build with
 * {@code java -cp}, {@code java -jar}, {@code mvn exec:java} and Gradle: each launch must print the same
 * four result lines. Every wait is bounded, so a broken launch fails instead of hanging.
 */
public final class LaunchCheck
{
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private LaunchCheck()
    {
    }

    /**
     * Runs a pool, a queue, a lock held by a child and a manager dict, and prints one line for each.
     *
     * @param args unused.
     * @throws Exception if any of them fails.
     */
    public static void main(final String[] args) throws Exception
    {
        System.out.println("launched: loader=" + LaunchCheck.class.getClassLoader().getClass().getName());

        try (Pool pool = new Pool(2))
        {
            System.out.println("map=" + pool.map((Integer x) -> x * x, List.of(1, 2, 3, 4, 5)));
        }

        try (SharedQueue<String> queue = SharedQueue.create(4))
        {
            final ChildProcess child = new ChildProcess(() -> queue.put("hello from a child")).start();
            System.out.println("queue=" + queue.poll(LIMIT.toSeconds(), TimeUnit.SECONDS));
            joinOrFail(child);
        }

        try (SharedLock lock = SharedLock.create();
            SharedEvent locked = SharedEvent.create();
            SharedEvent release = SharedEvent.create())
        {
            final ChildProcess holder = new ChildProcess(() -> holdUntilReleased(lock, locked, release)).start();
            locked.await(LIMIT);
            final boolean heldByChild = lock.ownerPid() == holder.pid() && !lock.tryLock();
            release.set();
            final boolean takenAfter = lock.tryLock(LIMIT.toSeconds(), TimeUnit.SECONDS);
            lock.unlock();
            System.out.println("lock=heldByChild:" + heldByChild + " takenAfterRelease:" + takenAfter);
            joinOrFail(holder);
        }

        // Needs mp4j-chronicle: the dict is a Chronicle Map in the session, opened by each process.
        try (Manager manager = new Manager())
        {
            final ConcurrentMap<String, Integer> dict = manager.dict();
            dict.put("parent", 1);
            joinOrFail(new ChildProcess(map -> map.put("child", 42), dict).start());
            System.out.println("dict=" + new TreeMap<>(dict));
        }
    }

    @SuppressWarnings("try")
    private static void holdUntilReleased(final SharedLock lock, final SharedEvent locked, final SharedEvent release)
        throws InterruptedException
    {
        try (var held = lock.acquire())
        {
            locked.set();
            release.await(LIMIT);
        }
    }

    private static void joinOrFail(final ChildProcess child) throws InterruptedException
    {
        if (!child.join(LIMIT))
        {
            child.kill();
            throw new IllegalStateException("child did not end within " + LIMIT + ": " + child);
        }
        if (child.exitCode().orElse(-1) != 0)
        {
            throw new IllegalStateException("child failed: " + child + " " + child.failure().map(Throwable::toString).orElse(""));
        }
    }
}
