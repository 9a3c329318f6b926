package io.mp4j.worker.internal;

import io.mp4j.session.Session;
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
}
