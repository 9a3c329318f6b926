package io.mp4j.pool;

import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool logs its workers' lives through {@link System.Logger}, which the JDK's default backend,
 * java.util.logging, receives here.
 */
@ExtendWith(NoLeaksExtension.class)
class PoolLoggingTest
{
    private final Logger logger = Logger.getLogger("io.mp4j.pool");
    private final Queue<LogRecord> records = new ConcurrentLinkedQueue<>();
    private final Handler handler = new Handler()
    {
        @Override
        public void publish(final LogRecord record)
        {
            records.add(record);
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    };
    private Level previousLevel;

    @BeforeEach
    void capture()
    {
        previousLevel = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    @AfterEach
    void release()
    {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
    }

    @Test
    void shouldLogWorkersStartedDiedAndStopped()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (Pool pool = new Pool(new PoolContext().processes(1).maxAttempts(1)))
            {
                assertThrows(WorkerCrashedException.class, () -> pool.apply(() ->
                {
                    Runtime.getRuntime().halt(7);
                    return null;
                }));
                pool.map((Integer x) -> x, List.of(1));
                pool.shutdown();
                pool.join();
            }

            assertLogged(Level.FINE, "worker started: pool=");
            assertLogged(Level.WARNING, "worker died: pool=");
            assertLogged(Level.FINE, "worker stopped: pool=");
        });
    }

    private void assertLogged(final Level level, final String start)
    {
        assertTrue(records.stream().anyMatch(record -> record.getLevel().equals(level) && record.getMessage().startsWith(start)),
            () -> "logged at " + level + ": " + start + " in " + records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList());
    }
}
