package io.mp4j.manager;

import io.mp4j.Mp4jException;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.process.Multiprocessing;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main artifact's tests run without mp4j-chronicle on the classpath, as a user of the main artifact
 * alone does: the features that need it say which artifact to add, and start nothing.
 */
@ExtendWith(NoLeaksExtension.class)
class WithoutChronicleTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ARTIFACT = "io.mp4j:mp4j-chronicle";

    @TempDir
    Path journal;

    @Test
    void shouldNameTheChronicleArtifactWhenADictIsAskedForWithoutIt()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager())
            {
                final Mp4jException thrown = assertThrows(Mp4jException.class, () -> manager.dict());
                assertTrue(thrown.getMessage().contains("Manager.dict() needs the artifact " + ARTIFACT),
                    thrown.getMessage());

                // The manager's other handouts keep working.
                final SharedList<String> list = manager.list();
                list.add("still works");
                assertEquals(List.of("still works"), list);
            }
        });
    }

    @Test
    void shouldNameTheChronicleArtifactWhenAPoolJournalIsAskedForWithoutItAndStartNoWorker()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Mp4jException thrown = assertThrows(Mp4jException.class,
                () -> new Pool(new PoolContext().processes(1).journal(journal)));
            assertTrue(thrown.getMessage().contains("PoolContext.journal needs the artifact " + ARTIFACT),
                thrown.getMessage());
            assertTrue(Multiprocessing.activeChildren().isEmpty(), "no worker JVM was started");
        });
    }
}
