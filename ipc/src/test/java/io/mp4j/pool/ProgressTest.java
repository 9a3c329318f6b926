package io.mp4j.pool;

import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pool reports how its calls progress to the context's listener, throttled, and always at the end. */
@ExtendWith(NoLeaksExtension.class)
class ProgressTest
{
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final Queue<PoolProgress> reports = new ConcurrentLinkedQueue<>();

    @Test
    void shouldReportAMapAsItsResultsComeInAndOnceMoreAtItsEnd()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final List<Integer> items = IntStream.range(0, 100).boxed().toList();
            final PoolContext context = new PoolContext().processes(2).progress(reports::add).progressInterval(Duration.ZERO);
            try (Pool pool = new Pool(context))
            {
                assertEquals(100, pool.map((Integer x) -> x + 1, items, 10).get(99));
            }

            final List<PoolProgress> seen = List.copyOf(reports);
            assertEquals(10, seen.size(), "one report per chunk with no interval: " + seen);
            for (int i = 1; i < seen.size(); i++)
            {
                assertTrue(seen.get(i).done() > seen.get(i - 1).done(), seen.toString());
            }
            final PoolProgress last = seen.get(seen.size() - 1);
            assertTrue(last.finished());
            assertEquals(100, last.done());
            assertEquals(100, last.total());
            assertTrue(last.call().startsWith("map(items=100, chunksize=10)"), last.call());
            assertTrue(last.rate() > 0);
        });
    }

    @Test
    void shouldThrottleReportsToTheIntervalButNeverSkipTheLast()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final PoolContext context = new PoolContext().processes(1).progress(reports::add)
                .progressInterval(Duration.ofHours(1));
            try (Pool pool = new Pool(context))
            {
                final Iterator<Integer> results = pool.imap((Integer x) -> x * 2, IntStream.range(0, 50).boxed().toList());
                while (results.hasNext())
                {
                    results.next();
                }
                pool.apply(() -> "one");
            }

            final List<PoolProgress> seen = List.copyOf(reports);
            assertEquals(2, seen.size(), seen.toString());
            assertEquals("imap(items=50, chunksize=1)", seen.get(0).call());
            assertEquals(50, seen.get(0).done());
            assertEquals("apply", seen.get(1).call());
            assertEquals(1, seen.get(1).total());
        });
    }

    @Test
    void shouldKeepWorkingWhenTheListenerThrows()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final PoolContext context = new PoolContext().processes(1).progressInterval(Duration.ZERO).progress(progress ->
            {
                throw new IllegalStateException("a broken listener");
            });
            try (Pool pool = new Pool(context))
            {
                assertEquals(List.of(2, 3, 4), pool.map((Integer x) -> x + 1, List.of(1, 2, 3), 1));
                assertEquals(List.of(5), pool.map((Integer x) -> x + 1, List.of(4)));
            }
        });
    }

    @Test
    void shouldDrawABarALinePerReportOffATerminal()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final ConsoleProgress bar = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

        bar.progress(new PoolProgress("map(items=200, chunksize=1)", 50, 200, Duration.ofSeconds(2)));
        bar.progress(new PoolProgress("map(items=200, chunksize=1)", 200, 200, Duration.ofSeconds(65)));

        final String[] lines = bytes.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
        assertEquals("[########----------------------]  25% 50/200 items 25.0/s 0:02 map(items=200, chunksize=1)", lines[0]);
        assertEquals("[##############################] 100% 200/200 items 3.1/s 1:05 map(items=200, chunksize=1)", lines[1]);
    }

    @Test
    void shouldRedrawOneLineOnATerminalAndEndItAtTheEnd()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final ConsoleProgress bar = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);

        bar.progress(new PoolProgress("apply", 0, 1, Duration.ZERO));
        bar.progress(new PoolProgress("apply", 1, 1, Duration.ofMillis(10)));

        final String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.startsWith("\r["), drawn);
        assertEquals(2, drawn.chars().filter(c -> c == '\r').count(), drawn);
        assertTrue(drawn.endsWith("apply" + System.lineSeparator()), drawn);
    }
}
