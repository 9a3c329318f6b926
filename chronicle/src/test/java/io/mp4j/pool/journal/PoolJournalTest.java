package io.mp4j.pool.journal;

import io.mp4j.pool.JournaledCall;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A parent killed mid-map leaves a journal from which a new parent finishes the map, running only the rest. */
@ExtendWith(NoLeaksExtension.class)
class PoolJournalTest
{
    private static final int ITEMS = 400;
    private static final int CHUNKSIZE = 10;

    @TempDir
    Path root;

    /** The mapped function: about 5 ms of work, leaving a marker file for each execution. */
    static int slowSquare(final int x, final String markers) throws IOException
    {
        final long until = System.nanoTime() + 5_000_000;
        while (System.nanoTime() < until)
        {
            Thread.onSpinWait();
        }
        Files.createFile(Paths.get(markers, x + "-" + UUID.randomUUID()));
        return x * x;
    }

    @Test
    void shouldResumeMapOfKilledParentRunningOnlyUnfinishedTasks()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final Path journalDirectory = root.resolve("journal");
            final Path markers = Files.createDirectory(root.resolve("markers"));
            final Process parent = TestProcesses.startParent(
                JournalParentMain.class, root, journalDirectory.toString(), markers.toString());
            final List<Long> workers = Stream.of(TestProcesses.awaitParentLine(root, "workers ").split(" "))
                .map(Long::valueOf).collect(Collectors.toList());

            // Let the parent get part-way through the map, then kill it.
            while (countMarkers(markers).values().stream().mapToInt(Integer::intValue).sum() < ITEMS / 4)
            {
                assertTrue(parent.isAlive(), "the parent must still be mapping: " + Files.readString(root.resolve("parent.log")));
                Thread.sleep(10);
            }
            parent.destroyForcibly().waitFor();
            for (final long worker : workers)
            {
                TestProcesses.awaitExit(worker); // its lifeline broke: it stops writing markers
            }
            final Map<Integer, Integer> beforeResume = countMarkers(markers);

            try (PoolJournal journal = PoolJournal.open(journalDirectory))
            {
                final List<JournaledCall> unfinished = journal.unfinishedCalls();
                assertEquals(1, unfinished.size());
                final JournaledCall call = unfinished.get(0);
                assertEquals(ITEMS / CHUNKSIZE, call.taskCount());
                assertTrue(call.completedTasks() > 0 && call.completedTasks() < call.taskCount(),
                    "killed part-way: completed=" + call.completedTasks());

                final List<Integer> results;
                try (Pool pool = new Pool(2))
                {
                    results = pool.resume(call);
                }
                assertEquals(IntStream.range(0, ITEMS).map(x -> x * x).boxed().collect(Collectors.toList()), results);

                final Map<Integer, Integer> afterResume = countMarkers(markers);
                for (int x = 0; x < ITEMS; x++)
                {
                    final int task = x / CHUNKSIZE;
                    final int ranAgain = afterResume.getOrDefault(x, 0) - beforeResume.getOrDefault(x, 0);
                    assertEquals(call.results().containsKey(task) ? 0 : 1, ranAgain,
                        "item " + x + " of task " + task + " ran " + ranAgain + " more times");
                }
            }
        });
    }

    @Test
    void shouldRecordFinishedCallsAsEnded()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final Path journalDirectory = root.resolve("journal");
            try (Pool pool = new Pool(new PoolContext().processes(1).journal(journalDirectory)))
            {
                assertEquals(List.of(1, 4, 9), pool.map((Integer x) -> x * x, List.of(1, 2, 3), 1));
            }
            try (PoolJournal journal = PoolJournal.open(journalDirectory))
            {
                final List<JournaledCall> calls = journal.calls();
                assertEquals(1, calls.size());
                assertTrue(calls.get(0).ended());
                assertEquals(3, calls.get(0).completedTasks());
                assertTrue(journal.unfinishedCalls().isEmpty());
            }
        });
    }

    private static Map<Integer, Integer> countMarkers(final Path markers) throws IOException
    {
        final Map<Integer, Integer> counts = new HashMap<>();
        try (Stream<Path> files = Files.list(markers))
        {
            files.forEach(file ->
            {
                final String name = file.getFileName().toString();
                counts.merge(Integer.parseInt(name.substring(0, name.indexOf('-'))), 1, Integer::sum);
            });
        }
        return counts;
    }
}
