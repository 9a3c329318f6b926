package io.mp4j.sharedmemory;

import io.mp4j.Mp4jException;
import io.mp4j.RegionMissingException;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedMemoryTest
{
    @TempDir
    Path root;

    private Session session;

    private Session session()
    {
        if (session == null)
        {
            session = Session.create(root);
        }
        return session;
    }

    @AfterEach
    void closeSession()
    {
        if (session != null)
        {
            session.close();
        }
    }

    @Test
    void shouldShareMemoryBetweenCreatorAndAttacher()
    {
        try (SharedMemory created = SharedMemory.create(session(), "frame", 4096);
             SharedMemory attached = SharedMemory.attach(session(), "frame"))
        {
            created.buffer().putLongVolatile(8, 42);
            assertEquals(42, attached.buffer().getLongVolatile(8));
            assertEquals(4096, attached.size());
            assertEquals("frame", attached.name());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../escape", "with space", "-leading", "slash/inside"})
    void shouldRefuseBadNames(final String name)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(session(), name, 16));
        assertTrue(ex.getMessage().contains("invalid shared memory name"), ex.getMessage());
    }

    @Test
    void shouldRefuseTooLongNameAndBadSizes()
    {
        final String tooLong = "n".repeat(SharedMemory.MAX_NAME_LENGTH + 1);
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(session(), tooLong, 16));
        final IllegalArgumentException zero =
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(session(), "zero", 0));
        assertTrue(zero.getMessage().contains("size=0"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(session(), "negative", -8));
    }

    @Test
    void shouldRefuseMissingAndDuplicateBlocks()
    {
        final RegionMissingException missing =
            assertThrows(RegionMissingException.class, () -> SharedMemory.attach(session(), "nowhere"));
        assertTrue(missing.getMessage().contains("name=nowhere"), missing.getMessage());

        try (SharedMemory block = SharedMemory.create(session(), "once", 64))
        {
            final Mp4jException twice =
                assertThrows(Mp4jException.class, () -> SharedMemory.create(session(), "once", 64));
            assertTrue(twice.getMessage().contains("exists already"), twice.getMessage());
            assertEquals(64, block.size(), "the first block is untouched");
        }
    }

    @Test
    void shouldThrowInsteadOfCrashingWhenUsedAfterClose()
    {
        final SharedMemory block = SharedMemory.create(session(), "closing", 64);
        final AtomicBuffer kept = block.buffer();
        block.close();
        block.close();

        assertTrue(block.isClosed());
        assertThrows(IndexOutOfBoundsException.class, () -> kept.getLong(0));
        assertThrows(IllegalStateException.class, block::buffer);
    }

    @Test
    void shouldRemoveBlockOnlyOnUnlink() throws Exception
    {
        final SharedMemory block = SharedMemory.create(session(), "kept", 64);
        SharedMemory.attach(session(), "kept").close();
        assertEquals(1, Files.list(session().directory()).filter(p -> p.toString().contains("kept")).count(),
            "closing an attached handle leaves the block");

        block.buffer().putInt(0, 7);
        block.unlink();
        assertThrows(RegionMissingException.class, () -> SharedMemory.attach(session(), "kept"));
        assertEquals(7, block.buffer().getInt(0), "a handle that is open keeps its mapping");
        block.close();
    }

    @Test
    void shouldKeepEveryKindOfItemInAShareableList()
    {
        final List<Object> items = Arrays.asList(7, 2.5, true, "howdy", new byte[]{1, 2, 3}, null, 9L);
        try (ShareableList list = ShareableList.create("kinds-" + ProcessHandle.current().pid(), items))
        {
            assertEquals(7, list.size());
            assertEquals(7L, list.get(0));
            assertEquals(2.5, list.get(1));
            assertEquals(true, list.get(2));
            assertEquals("howdy", list.get(3));
            assertArrayEquals(new byte[]{1, 2, 3}, (byte[])list.get(4));
            assertNull(list.get(5));
            assertEquals(9L, list.get(6));

            assertEquals(7L, list.set(0, 8));
            assertEquals("howdy", list.set(3, "hi!"));
            assertEquals("hi!", list.get(3));
            assertEquals(8L, ShareableList.attach(list.shm().name()).get(0));
            list.unlink();
        }
    }

    @Test
    void shouldRefuseAnotherKindOrAValueThatDoesNotFit()
    {
        try (ShareableList list = ShareableList.create("fit-" + ProcessHandle.current().pid(), List.of("abc", 1)))
        {
            list.set(0, "abcdefgh"); // "abc" took 8 bytes, as Python rounds
            final IllegalArgumentException tooLong =
                assertThrows(IllegalArgumentException.class, () -> list.set(0, "abcdefghi"));
            assertTrue(tooLong.getMessage().contains("capacity=8"), tooLong.getMessage());
            final IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> list.set(1, "one"));
            assertTrue(kind.getMessage().contains("kind=integer"), kind.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> list.get(2));
            assertThrows(IllegalArgumentException.class, () -> ShareableList.create(List.of(new Object())));
            assertFalse(list.isEmpty());
            list.unlink();
        }
    }
}
