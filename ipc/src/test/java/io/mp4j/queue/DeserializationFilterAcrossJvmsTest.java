package io.mp4j.queue;

import io.mp4j.DeserializationRejectedException;
import io.mp4j.codec.DeserializationFilter;
import io.mp4j.connection.Connection;
import io.mp4j.connection.Pipe;
import io.mp4j.process.ChildProcess;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deserialization filter between real JVMs: a refused message fails its receiver with mp4j's
 * exception and takes nothing else with it, and a child filters as its parent does.
 */
@ExtendWith(NoLeaksExtension.class)
class DeserializationFilterAcrossJvmsTest
{
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(90);

    @AfterEach
    void resetFilter()
    {
        DeserializationFilter.configure(null);
    }

    @Test
    void shouldRejectARefusedTypeFromAChildAndReceiveTheNextMessage()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            DeserializationFilter.configure("!java.net.URI");
            try (SharedQueue<Object> queue = SharedQueue.create(8))
            {
                final ChildProcess child = new ChildProcess(() ->
                {
                    queue.put("before");
                    queue.put(URI.create("mp4j://refused"));
                    queue.put("after");
                }).start();

                assertEquals("before", queue.take());
                final DeserializationRejectedException ex =
                    assertThrows(DeserializationRejectedException.class, queue::take);
                assertTrue(ex.getMessage().contains("class=java.net.URI"), ex.getMessage());
                assertEquals("after", queue.take());
                child.join();
                assertEquals(0, child.exitCode().orElseThrow());
            }
        });
    }

    @Test
    void shouldFilterInAChildAsInItsParent()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            DeserializationFilter.configure("!java.net.URI");
            try (Pipe pipe = Pipe.open())
            {
                final Connection parentEnd = pipe.first();
                final Connection childEnd = pipe.second();
                final ChildProcess child = new ChildProcess(() ->
                {
                    String outcome;
                    try
                    {
                        outcome = "received " + childEnd.recv();
                    }
                    catch (final DeserializationRejectedException ex)
                    {
                        outcome = "rejected " + ex.getMessage();
                    }
                    childEnd.send(outcome);
                    childEnd.send("next " + childEnd.recv());
                }).start();

                parentEnd.send(URI.create("mp4j://refused"));
                parentEnd.send("message");
                final String outcome = (String)parentEnd.recv();
                assertTrue(outcome.startsWith("rejected ") && outcome.contains("class=java.net.URI"), outcome);
                assertEquals("next message", parentEnd.recv());
                child.join();
                assertEquals(0, child.exitCode().orElseThrow());
            }
        });
    }
}
