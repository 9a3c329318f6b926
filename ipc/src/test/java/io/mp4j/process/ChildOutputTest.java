package io.mp4j.process;

import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.test.HostForClass;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A child's standard output and error go to the context's handler, a line at a time, whoever runs it. */
@ExtendWith(NoLeaksExtension.class)
class ChildOutputTest
{
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final HostForClass HOST = new HostForClass(1);

    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final ChildOutput collect = (process, stream, line) -> lines.add(process + ' ' + stream + ' ' + line);

    @Test
    void shouldHandTheLinesOfASpawnedChildToTheHandler()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final ChildProcess child = new ChildProcess(new ProcessContext().output(collect), () ->
            {
                System.out.println("out one");
                System.err.print("err without an end");
                System.out.println("out two");
            }).name("talker").start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(List.of("talker OUT out one", "talker OUT out two"), only("talker OUT"));
            assertEquals(List.of("talker ERR err without an end"), only("talker ERR"));
        });
    }

    @Test
    void shouldHandTheLinesOfAHostedChildToTheHandler()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final ProcessContext context = new ProcessContext().host(HOST.name()).output(collect);
            final ChildProcess child = new ChildProcess(context, () ->
            {
                System.out.println("hosted out");
                System.err.println("hosted err");
            }).name("guest").start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(List.of("guest OUT hosted out"), only("guest OUT"));
            assertEquals(List.of("guest ERR hosted err"), only("guest ERR"));
        });
    }

    @Test
    void shouldHandTheLinesOfPoolWorkersToTheHandler()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final PoolContext context = new PoolContext().processes(1)
                .processContext(new ProcessContext().output(collect));
            try (Pool pool = new Pool(context))
            {
                pool.apply(() ->
                {
                    System.out.println("from a worker");
                    return null;
                });
                pool.shutdown();
                pool.join();
            }
            assertTrue(lines.stream().anyMatch(line -> line.matches("PoolWorker-\\d+ OUT from a worker")), lines.toString());
        });
    }

    private List<String> only(final String prefix)
    {
        return lines.stream().filter(line -> line.startsWith(prefix + ' ')).toList();
    }
}
