package io.mp4j.sharedstate;

import io.mp4j.connection.Connection;
import io.mp4j.connection.Pipe;
import io.mp4j.process.ChildProcess;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedInt;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shared object's memory across JVMs: a region handed to a child stays while the child holds it, after
 * the parent let go of its own handle, and goes when the child closes it, exits, or is killed.
 */
@ExtendWith(NoLeaksExtension.class)
class RegionLifetimeAcrossJvmsTest
{
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void shouldKeepRegionWhileTheChildHoldsItAndRemoveItWhenTheChildClosesIt()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Children children = new Children(); Pipe control = Pipe.open())
            {
                final Held held = handOver(children, control, (end, value) ->
                {
                    end.recv();
                    value.close();
                    end.send("closed");
                    end.recv();
                });

                held.parentEnd.send("close");
                assertEquals("closed", held.parentEnd.recv());
                assertFalse(Files.exists(held.file), "the child was its last holder");
                held.parentEnd.send("exit");
                children.joinAllSucceeded(Duration.ofSeconds(30));
            }
        });
    }

    @Test
    void shouldRemoveRegionWhenTheChildHoldingItExits()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Children children = new Children(); Pipe control = Pipe.open())
            {
                final Held held = handOver(children, control, (end, value) -> end.recv());

                held.parentEnd.send("exit");
                Children.joinSucceeded(held.child, Duration.ofSeconds(30));
                assertFalse(Files.exists(held.file), "the child let go of it as it exited");
            }
        });
    }

    @Test
    void shouldFreeRegionWhoseLastHolderWasKilled()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Children children = new Children(); Pipe control = Pipe.open())
            {
                final Held held = handOver(children, control, (end, value) -> Thread.sleep(Long.MAX_VALUE));

                held.child.kill();
                assertTrue(held.child.join(Duration.ofSeconds(30)));
                assertTrue(Files.exists(held.file), "nobody has looked yet");

                // Whoever makes regions in the session looks now and then for those whose holders all died.
                while (Files.exists(held.file))
                {
                    SharedInt.create(0).close();
                    Thread.sleep(10);
                }
            }
        });
    }

    /** What the child does once it has the value and said so. */
    @FunctionalInterface
    interface ThenInChild extends Serializable
    {
        void run(Connection end, SharedInt value) throws Exception;
    }

    /** A value that a child holds and the parent has closed: its file, the child, the parent's control end. */
    record Held(Path file, ChildProcess child, Connection parentEnd)
    {
    }

    /**
     * Hands a new value to a child, waits until the child has used it, closes the parent's handle and checks
     * that the file stays for the child.
     */
    private static Held handOver(final Children children, final Pipe control, final ThenInChild then)
        throws Exception
    {
        final SharedInt value = SharedInt.create(7);
        final Path file = file(value);
        final Connection childEnd = control.second();
        final ChildProcess child = children.start("holder", () ->
        {
            childEnd.send(value.incrementAndGet());
            then.run(childEnd, value);
        });
        final Connection parentEnd = control.first();
        assertEquals(8, parentEnd.recv());

        value.close();
        assertTrue(Files.exists(file), "the child holds it");
        return new Held(file, child, parentEnd);
    }

    private static Path file(final SharedInt value) throws Exception
    {
        final Path directory = Session.current().directory();
        try (var files = Files.list(directory))
        {
            // The value is the newest value region of the session.
            return files.filter(path -> path.getFileName().toString().startsWith("value-"))
                .max((a, b) -> Long.compare(sequence(a), sequence(b))).orElseThrow();
        }
    }

    private static long sequence(final Path file)
    {
        final String name = file.getFileName().toString();
        return Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.indexOf('.')));
    }
}
