package io.mp4j.sharedmemory;

import io.mp4j.Mp4jException;
import io.mp4j.RegionMissingException;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SharedMemoryTest
{
    @TempDir
    Path root;

    private Session session;

    private Session session()
    {
        if (session == null)
        {
            session = Session.create(root.resolve("sessions"));
        }
        return session;
    }

    @BeforeEach
    void useOwnBlockDirectory()
    {
        System.setProperty(SharedMemory.DIRECTORY_PROPERTY, root.resolve("blocks").toString());
    }

    @AfterEach
    void closeSession()
    {
        if (session != null)
        {
            session.close();
        }
        System.clearProperty(SharedMemory.DIRECTORY_PROPERTY);
    }

    @Test
    void shouldShareMemoryBetweenCreatorAndAttacher()
    {
        try (SharedMemory created = SharedMemory.create(session(), "frame", 4096);
             SharedMemory attached = SharedMemory.attach("frame"))
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
            assertThrows(RegionMissingException.class, () -> SharedMemory.attach("nowhere"));
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
        SharedMemory.attach("kept").close();
        assertTrue(Files.exists(root.resolve("blocks/kept.region")), "closing an attached handle leaves the block");

        block.buffer().putInt(0, 7);
        block.unlink();
        assertThrows(RegionMissingException.class, () -> SharedMemory.attach("kept"));
        assertEquals(7, block.buffer().getInt(0), "a handle that is open keeps its mapping");
        block.close();
    }

    @Test
    void shouldFailSecondUnlinkAsPythonRaisesFileNotFoundError()
    {
        final SharedMemory block = SharedMemory.create(session(), "twice", 64);
        final SharedMemory other = SharedMemory.attach("twice");
        block.unlink();
        final RegionMissingException again = assertThrows(RegionMissingException.class, other::unlink);
        assertTrue(again.getMessage().contains("unlinked already: name=twice"), again.getMessage());
        assertThrows(RegionMissingException.class, block::unlink);
        block.close();
        other.close();
    }

    @Test
    void shouldKeepBlocksOutsideSessionsInAnOwnerOnlyDirectory() throws Exception
    {
        try (SharedMemory block = SharedMemory.create(session(), "private", 64))
        {
            final Path file = root.resolve("blocks/private.region");
            assertEquals(PosixFilePermissions.fromString("rwx------"),
                Files.getPosixFilePermissions(root.resolve("blocks")));
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
            assertFalse(Files.list(session().directory()).anyMatch(p -> p.getFileName().toString().equals("private.region")),
                "the block is not a file of the session");
            block.unlink();
        }
    }

    @Test
    void shouldRemoveTheEmptiedDirectoryWithTheLastBlockAndMakeItAgainForTheNext()
    {
        final Path blocks = root.resolve("mp4j-shm-test");
        System.setProperty(SharedMemory.DIRECTORY_PROPERTY, blocks.toString());

        final SharedMemory first = SharedMemory.create(session(), "first", 64);
        final SharedMemory second = SharedMemory.create(session(), "second", 64);
        first.unlink();
        assertTrue(Files.isDirectory(blocks), "a directory that still holds a block stays");
        second.unlink();
        assertFalse(Files.exists(blocks), "the last unlink leaves no empty directory behind");

        final Session creator = Session.create(root.resolve("sessions"));
        final SharedMemory leaked = SharedMemory.create(creator, "leaked", 64);
        assertTrue(Files.isDirectory(blocks), "the next block makes the directory again");
        creator.close();
        assertFalse(Files.exists(blocks), "a session's end that removes the last block removes the directory");

        first.close();
        second.close();
        leaked.close();
    }

    @Test
    void shouldRefuseABlockDirectoryOthersMayEnter() throws Exception
    {
        final Path shared = Files.createDirectories(root.resolve("open"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        System.setProperty(SharedMemory.DIRECTORY_PROPERTY, shared.toString());

        final Mp4jException ex = assertThrows(Mp4jException.class, () -> SharedMemory.create(session(), "exposed", 8));
        assertTrue(ex.getMessage().contains("permissions=rwxrwxrwx"), ex.getMessage());
        assertFalse(Files.exists(shared.resolve("exposed.region")));
    }

    @Test
    void shouldRemoveBlockNobodyUnlinkedWhenItsSessionEnds()
    {
        final Session creator = Session.create(root.resolve("sessions"));
        final SharedMemory leaked = SharedMemory.create(creator, "leaked", 64);
        final SharedMemory unlinked = SharedMemory.create(creator, "unlinked", 64);
        unlinked.unlink();
        final SharedMemory recreated = SharedMemory.create(session(), "unlinked", 64);

        creator.close();

        assertThrows(RegionMissingException.class, () -> SharedMemory.attach("leaked"));
        SharedMemory.attach("unlinked").close(); // a block of the same name made since is not the creator's
        leaked.close();
        unlinked.close();
        recreated.unlink();
        recreated.close();
    }

    @Test
    void shouldLeaveAnotherUsersFileThatASessionWasAskedToRemove() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a file to another user");
        final Path foreign = Files.createFile(root.resolve("foreign.region"));
        Files.setOwner(foreign, foreign.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        final Session creator = Session.create(root.resolve("sessions"));
        creator.removeAtEnd(foreign, "shared memory block name=foreign");

        creator.close();

        assertTrue(Files.exists(foreign), "a session removes only its own user's files");
    }

    @Test
    void shouldShareTheBlockAsAByteBufferInNativeOrder()
    {
        try (SharedMemory block = SharedMemory.create(session(), "bytes", 64))
        {
            final ByteBuffer bytes = block.byteBuffer();
            assertEquals(64, bytes.remaining());
            assertEquals(ByteOrder.nativeOrder(), bytes.order());
            bytes.putLong(8, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, block.buffer().getLongVolatile(8));
            block.buffer().putInt(60, 77);
            assertEquals(77, block.byteBuffer().getInt(60));
            block.unlink();
        }
    }

    @Test
    void shouldThrowFromEveryViewAfterClose()
    {
        final SharedMemory block = SharedMemory.create(session(), "views", 64);
        final AtomicBuffer atomic = block.buffer();
        final ByteBuffer bytes = block.byteBuffer();
        block.unlink();
        block.close();

        assertThrows(IndexOutOfBoundsException.class, () -> atomic.getLong(0));
        assertThrows(IndexOutOfBoundsException.class, () -> bytes.getLong(0));
        assertThrows(BufferUnderflowException.class, bytes::get);
        assertThrows(IllegalStateException.class, block::byteBuffer);
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
    void shouldLetAnItemChangeKindWhenTheValueFitsAndKeepItWhenNot()
    {
        try (ShareableList list = ShareableList.create(Arrays.asList("abc", 1, null, "a much longer string")))
        {
            list.set(0, "abcdefgh"); // "abc" took 8 bytes, as Python rounds
            final IllegalArgumentException tooLong =
                assertThrows(IllegalArgumentException.class, () -> list.set(0, "abcdefghi"));
            assertTrue(tooLong.getMessage().contains("capacity=8"), tooLong.getMessage());
            assertEquals("abcdefgh", list.get(0), "a value that does not fit leaves the old one");

            assertEquals("abcdefgh", list.set(0, 42));
            assertEquals(42L, list.get(0));
            assertEquals(1L, list.set(1, "one"));
            assertEquals("one", list.get(1));
            assertNull(list.set(2, "eight ch"));
            assertEquals("eight ch", list.get(2));
            assertThrows(IllegalArgumentException.class, () -> list.set(2, "nine char"));
            assertEquals("eight ch", list.get(2));
            list.set(3, null);
            assertNull(list.get(3));
            list.set(3, 2.5);
            assertEquals(2.5, list.get(3));
            list.set(3, "a much longer string");
            assertEquals("a much longer string", list.get(3), "an item keeps its capacity whatever it holds");

            assertThrows(IndexOutOfBoundsException.class, () -> list.get(4));
            assertThrows(IllegalArgumentException.class, () -> list.set(1, new Object()));
            assertEquals("one", list.get(1));
            assertThrows(IllegalArgumentException.class, () -> ShareableList.create(List.of(new Object())));
            assertFalse(list.isEmpty());
            assertEquals("ShareableList{name=" + list.shm().name() + ", items=[42, one, eight ch, a much longer string]}",
                list.toString());
            list.unlink();
        }
    }
}
