package io.mp4j.pool.journal;

import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.session.Session;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A parent JVM for the journal's crash test: it owns its own session (under the root the test chose),
 * runs a journaled map and prints its workers' pids, then "finished".
 */
public final class JournalParentMain
{
    private JournalParentMain()
    {
    }

    /**
     * Runs the journaled map.
     *
     * @param args the journal's directory and the directory of the tasks' markers.
     * @throws Exception on failure, which the test sees as a non-zero exit.
     */
    public static void main(final String[] args) throws Exception
    {
        // Started by a test JVM's context, this JVM was told to attach to the test's session; it must own one.
        System.clearProperty(Session.CURRENT_PROPERTY);
        System.out.println("session " + Session.current().directory());

        final Path journal = Paths.get(args[0]);
        final String markers = args[1];
        try (Pool pool = new Pool(new PoolContext().processes(2).journal(journal)))
        {
            System.out.println("workers " + pool.workerPids().stream().map(String::valueOf).collect(Collectors.joining(" ")));
            pool.map((Integer x) -> PoolJournalTest.slowSquare(x, markers),
                IntStream.range(0, 400).boxed().collect(Collectors.toList()), 10);
        }
        System.out.println("finished");
    }
}
