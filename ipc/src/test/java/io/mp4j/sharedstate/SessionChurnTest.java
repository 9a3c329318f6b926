package io.mp4j.sharedstate;

import io.mp4j.WaitStrategy;
import io.mp4j.connection.Pipe;
import io.mp4j.queue.QueueContext;
import io.mp4j.queue.SharedQueue;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedInt;
import io.mp4j.shared.SharedLongArray;
import io.mp4j.sync.SharedLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A long run that opens and lets go of shared objects in a loop leaves its session the size it had after
 * the first hundred: a closed object, or one nobody references any more, gives its memory back. Prints
 * the churn rate of each kind; asserts no speed.
 */
class SessionChurnTest
{
    private static final Duration TEST_TIMEOUT = Duration.ofMinutes(8);
    private static final int FIRST = 100;

    private Session session;

    @BeforeEach
    void createSession()
    {
        session = Session.create();
    }

    @AfterEach
    void closeSession()
    {
        session.close();
    }

    static Stream<Arguments> churns()
    {
        return Stream.of(
            Arguments.of("pipe closed", 100_000, (Churn)session -> Pipe.open(new Pipe.Context().session(session)).close()),
            Arguments.of("queue closed", 100_000,
                (Churn)session -> SharedQueue.create(new QueueContext().capacity(16).session(session)).close()),
            Arguments.of("queue dropped", 100_000,
                (Churn)session -> SharedQueue.create(new QueueContext().capacity(16).session(session)).offer("x")),
            Arguments.of("value closed", 100_000,
                (Churn)session -> SharedInt.create(session, 1, true, WaitStrategy.DEFAULT).close()),
            Arguments.of("value dropped", 100_000,
                (Churn)session -> SharedInt.create(session, 1, true, WaitStrategy.DEFAULT).incrementAndGet()),
            Arguments.of("array closed", 10_000,
                (Churn)session -> SharedLongArray.create(session, 64, true, WaitStrategy.DEFAULT).close()),
            Arguments.of("array dropped", 10_000,
                (Churn)session -> SharedLongArray.create(session, 64, false, WaitStrategy.DEFAULT).set(1, 2)),
            Arguments.of("lock closed", 10_000, (Churn)session -> SharedLock.create(session, WaitStrategy.DEFAULT).close()),
            Arguments.of("lock dropped", 10_000,
                (Churn)session -> SharedLock.create(session, WaitStrategy.DEFAULT).tryLock()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("churns")
    void shouldLeaveTheSessionAtItsSizeAfterTheFirstHundred(final String what, final int cycles, final Churn churn)
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            run(churn, FIRST);
            final Usage first = settled(null);

            final long start = System.nanoTime();
            run(churn, cycles - FIRST);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final Usage last = settled(first);

            System.out.printf("churn %-14s %,7d cycles in %5.1f s: %,8.0f per second; session after the first %d: %s, " +
                "after all: %s%n", what, cycles, seconds, (cycles - FIRST) / seconds, FIRST, first, last);
            assertEquals(first, last, what + " after " + cycles + " cycles");
        });
    }

    private void run(final Churn churn, final int cycles)
    {
        for (int i = 0; i < cycles; i++)
        {
            churn.accept(session);
        }
    }

    /**
     * The session's usage once what nobody references has been collected: waits (collecting) until it is
     * the target, or has not changed for a while (half a second without a target, five with one).
     */
    private Usage settled(final Usage target) throws InterruptedException
    {
        Usage usage = Usage.of(session.directory());
        int unchanged = 0;
        while (!usage.equals(target) && unchanged < (target == null ? 5 : 50))
        {
            System.gc();
            Thread.sleep(100);
            final Usage now = Usage.of(session.directory());
            unchanged = now.equals(usage) ? unchanged + 1 : 0;
            usage = now;
        }
        return usage;
    }

    /** One cycle: make a shared object in the session and let go of it. */
    @FunctionalInterface
    interface Churn extends Consumer<Session>
    {
    }

    /** What a session directory holds: its files and their bytes. */
    record Usage(long files, long bytes)
    {
        static Usage of(final Path directory)
        {
            try (Stream<Path> entries = Files.list(directory))
            {
                long files = 0;
                long bytes = 0;
                for (final Path entry : (Iterable<Path>)entries::iterator)
                {
                    try
                    {
                        bytes += Files.size(entry);
                        files++;
                    }
                    catch (final NoSuchFileException ex)
                    {
                        // Removed while we looked: not there.
                    }
                }
                return new Usage(files, bytes);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public String toString()
        {
            return files + " files, " + bytes + " bytes";
        }
    }
}
