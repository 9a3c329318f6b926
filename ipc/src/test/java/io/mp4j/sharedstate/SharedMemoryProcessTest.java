package io.mp4j.sharedstate;

import io.mp4j.RegionMissingException;
import io.mp4j.process.ChildProcess;
import io.mp4j.sharedmemory.ShareableList;
import io.mp4j.sharedmemory.SharedMemory;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Named shared memory between real JVMs. */
@ExtendWith(NoLeaksExtension.class)
class SharedMemoryProcessTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldLetChildAttachByNameAndWrite()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (SharedMemory block = SharedMemory.create("by-name", 1024))
            {
                final ChildProcess child = new ChildProcess(() ->
                {
                    try (SharedMemory attached = SharedMemory.attach("by-name"))
                    {
                        attached.buffer().putLongVolatile(0, 0xCAFE);
                    }
                }).start();
                child.join();

                assertEquals(0, child.exitCode().orElseThrow());
                assertEquals(0xCAFE, block.buffer().getLongVolatile(0));
                block.unlink();
            }
        });
    }

    @Test
    void shouldKeepBlockWhenAChildThatReceivedItClosesAndExits()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final SharedMemory block = SharedMemory.create("passed", 64);
            final ChildProcess child = new ChildProcess((SharedMemory received) ->
            {
                received.buffer().putIntVolatile(4, 99);
                received.close();
            }, block).start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(99, block.buffer().getIntVolatile(4));
            try (SharedMemory again = SharedMemory.attach("passed"))
            {
                assertEquals(99, again.buffer().getIntVolatile(4), "only unlink removes a block, not a child's exit");
            }
            block.unlink();
            block.close();
            assertThrows(RegionMissingException.class, () -> SharedMemory.attach("passed"));
        });
    }

    @Test
    void shouldShareAListWithAChild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (ShareableList list = ShareableList.create("greeting", List.of("hello", 0)))
            {
                final ChildProcess child = new ChildProcess((ShareableList received) ->
                {
                    received.set(0, "howdy");
                    received.set(1, 42);
                }, list).start();
                child.join();

                assertEquals(0, child.exitCode().orElseThrow());
                assertEquals(List.of("howdy", 42L), List.copyOf(list));
                list.unlink();
            }
        });
    }
}
