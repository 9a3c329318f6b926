package io.mp4j.cluster;

import io.mp4j.context.MultiprocessingContext;
import io.mp4j.pool.WorkerPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ClusterSmokeTest
{
    @Test
    void shouldMapOnTwoNodes(@TempDir final Path logs)
    {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () ->
        {
            try (TestClusters cluster = new TestClusters(logs))
            {
                long t0 = System.nanoTime();
                cluster.start(2);
                System.out.println("nodes up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                t0 = System.nanoTime();
                try (MultiprocessingContext context = ClusterContext.connect(cluster.options()))
                {
                    System.out.println("client up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                    final List<Integer> items = IntStream.range(0, 100_000).boxed().collect(Collectors.toList());
                    try (WorkerPool pool = context.pool(4))
                    {
                        t0 = System.nanoTime();
                        final List<Integer> results = pool.map((Integer x) -> x + 1, items);
                        System.out.println("map in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                        assertEquals(items.stream().map(x -> x + 1).collect(Collectors.toList()), results);
                        assertEquals(42, (int)pool.apply(() -> 42));
                    }
                    context.longValue("n", 5).incrementAndGet();
                    assertEquals(6, context.longValue("n", 0).get());
                    context.queue("q", 10).put("x");
                    assertEquals("x", context.queue("q", 10).take());
                }
            }
        });
    }
}
