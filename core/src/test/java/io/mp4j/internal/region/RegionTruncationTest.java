package io.mp4j.internal.region;

import io.mp4j.RegionLayoutException;
import io.mp4j.RegionTruncatedException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.Waiter;
import io.mp4j.session.Session;
import io.mp4j.sync.SharedEvent;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A region's file truncated by another process while this one uses it: waits and attaches fail with
 * mp4j's exception instead of faulting (a compare-and-set on a truncated page kills the JVM with SIGBUS).
 */
class RegionTruncationTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldFailAWaitWithMp4jsErrorWhenAnotherProcessTruncatesItsRegion()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Session session = Session.create();
            try
            {
                final SharedEvent event = SharedEvent.create(session, WaitStrategy.defaultStrategy());
                final Path file = regionFile(session);
                final long sleepsBefore = Waiter.doorbellSleeps();
                final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                final Thread waiting = new Thread(() ->
                {
                    try
                    {
                        outcome.complete(new AssertionError("the wait ended: set=" + event.await(50, TimeUnit.SECONDS)));
                    }
                    catch (final Throwable ex)
                    {
                        outcome.complete(ex);
                    }
                }, "truncated-waiter");
                waiting.start();
                while (Waiter.doorbellSleeps() == sleepsBefore)
                {
                    Thread.sleep(5);
                }

                truncate(file);

                final Throwable failure = outcome.get();
                waiting.join();
                assertInstanceOf(RegionTruncatedException.class, failure, String.valueOf(failure));
                assertTrue(failure.getMessage().contains("file=" + file) && failure.getMessage().contains("length=0"),
                    failure.getMessage());
                event.close(); // does not touch the lost memory
                assertThrows(RegionLayoutException.class, () -> Region.attach(file, RegionKind.SYNC));
            }
            finally
            {
                session.close();
            }
        });
    }

    private static Path regionFile(final Session session) throws Exception
    {
        try (Stream<Path> files = Files.list(session.directory()))
        {
            final List<Path> regions = files.filter(f -> f.toString().endsWith(Region.FILE_SUFFIX)).toList();
            assertEquals(1, regions.size(), regions::toString);
            return regions.get(0);
        }
    }

    /** Truncates the file from another process, as a user's {@code truncate -s 0} would. */
    private static void truncate(final Path file) throws Exception
    {
        final Process truncate = new ProcessBuilder("truncate", "-s", "0", file.toString()).inheritIO().start();
        assertTrue(truncate.waitFor(30, TimeUnit.SECONDS), "truncate did not finish");
        assertEquals(0, truncate.exitValue());
        assertEquals(0, Files.size(file));
    }
}
