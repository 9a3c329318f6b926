package io.mp4j.worker.internal;

import io.mp4j.RegionLayoutException;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolChannelTest
{
    @Test
    void shouldRefuseItsRingsOnceClosedSoUnmappedMemoryIsNeverRead()
    {
        final PoolChannel channel = PoolChannel.create(Session.current(), "pool-channel-test-" + ProcessHandle.current().pid(),
            64 * 1024);
        assertTrue(channel.write(channel.results(), PoolChannel.RESULT, 7, 3, new byte[]{1, 2}));
        assertEquals(1, PoolChannel.read(channel.results(), (type, buffer, index, length) -> { }, 10));

        channel.delete();

        final IllegalStateException refused = assertThrows(IllegalStateException.class, channel::results);
        assertTrue(refused.getMessage().startsWith("pool channel is closed: name=pool-channel-test-"), refused.getMessage());
        assertThrows(IllegalStateException.class, channel::tasks);
        assertFalse(channel.file().toFile().exists());
    }

    @Test
    void shouldRefuseAChannelLaidOutWithoutItsControlBlock()
    {
        final String name = "pool-channel-old-" + ProcessHandle.current().pid();
        // Two rings and nothing after them, as channels were before they said which task runs.
        final Region old = Region.create(Session.current(), name, RegionKind.POOL,
            2 * (64 * 1024 + RingBufferDescriptor.TRAILER_LENGTH));
        try
        {
            final RegionLayoutException refused =
                assertThrows(RegionLayoutException.class, () -> PoolChannel.attach(old.file()));
            assertTrue(refused.getMessage().startsWith("pool channel of another layout version: file="),
                refused.getMessage());
        }
        finally
        {
            old.close();
            old.file().toFile().delete();
        }
    }

    @Test
    void shouldTellWhichTaskRunsAndWhichToSkip()
    {
        final PoolChannel channel = PoolChannel.create(Session.current(), "pool-channel-skip-" + ProcessHandle.current().pid(),
            64 * 1024);
        try (PoolChannel worker = PoolChannel.attach(channel.file()))
        {
            assertEquals(0, channel.runningTaskVolatile());
            worker.runningTaskVolatile(3);
            assertEquals(3, channel.runningTaskVolatile());

            channel.skipTaskVolatile(5);
            assertTrue(worker.isSkippedVolatile(5));
            assertFalse(worker.isSkippedVolatile(5 + PoolChannel.SKIP_SLOTS), "a slot names one sequence");
            assertFalse(worker.isSkippedVolatile(4));
        }
        finally
        {
            channel.delete();
        }
    }
}
