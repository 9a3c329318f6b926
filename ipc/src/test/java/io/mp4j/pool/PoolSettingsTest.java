package io.mp4j.pool;

import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings Python's {@code Pool(...)} refuses with {@code ValueError} are refused before a worker starts. */
@ExtendWith(NoLeaksExtension.class)
class PoolSettingsTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static long childJvms()
    {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void shouldRefuseFewerThanOneProcessBeforeStartingAWorker(final int processes)
    {
        final long before = childJvms();

        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new Pool(processes));
        assertEquals("processes must be at least 1: processes=" + processes, refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Pool(new PoolContext().processes(processes)));
        assertEquals(before, childJvms(), "no worker JVM was started");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void shouldRefuseMaxTasksPerChildBelowOneBeforeStartingAWorker(final int maxTasksPerChild)
    {
        final long before = childJvms();

        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> new Pool(new PoolContext().processes(1).maxTasksPerChild(maxTasksPerChild)));
        assertEquals("maxTasksPerChild must be at least 1: maxTasksPerChild=" + maxTasksPerChild, refused.getMessage());
        assertEquals(before, childJvms(), "no worker JVM was started");
    }

    @Test
    void shouldReplaceAWorkerAfterEveryTaskWithMaxTasksPerChildOfOne()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Pool pool = new Pool(new PoolContext().processes(1).maxTasksPerChild(1)))
            {
                final List<Long> pids = pool.map((Integer x) -> ProcessHandle.current().pid(), List.of(1, 2, 3), 1);
                assertEquals(3, pids.stream().distinct().count(), "a fresh worker JVM for each task: " + pids);
                assertTrue(pool.workerPids().get(0) > 0);
            }
        });
    }
}
