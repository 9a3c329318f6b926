package io.mp4j.internal.region;

import io.mp4j.RegionLayoutException;
import io.mp4j.RegionMissingException;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.channel.ProcessTag;
import io.mp4j.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionTest
{
    private static Session session;

    @BeforeAll
    static void createSession()
    {
        session = Session.create();
    }

    @AfterAll
    static void closeSession()
    {
        session.close();
        assertTrue(Files.notExists(session.directory()));
    }

    @Test
    void shouldAttachToWhatWasCreated()
    {
        try (Region created = Region.create(session, "good", RegionKind.VALUE, 64);
            Region attached = Region.attach(session, "good", RegionKind.VALUE))
        {
            created.body().putLongVolatile(0, 42);
            assertEquals(42, attached.body().getLongVolatile(0));
            assertEquals(64, attached.bodyLength());
            assertEquals(ProcessIdentity.current().pid(), attached.creator().pid());
        }
    }

    @Test
    void shouldRefuseForeignFileNamingIt() throws IOException
    {
        final Path file = session.file("foreign" + Region.FILE_SUFFIX);
        Files.write(file, new byte[4096]);
        final RegionLayoutException ex =
            assertThrows(RegionLayoutException.class, () -> Region.attach(file, RegionKind.VALUE));
        assertTrue(ex.getMessage().contains("not an mp4j region"), ex.getMessage());
        assertTrue(ex.getMessage().contains("file=" + file), ex.getMessage());
    }

    @Test
    void shouldRefuseOtherLayoutVersionNamingIt() throws IOException
    {
        final Path file;
        try (Region region = Region.create(session, "versioned", RegionKind.VALUE, 64))
        {
            file = region.file();
        }
        patchInt(file, RegionDescriptor.LAYOUT_VERSION_OFFSET, RegionDescriptor.LAYOUT_VERSION + 1);
        final RegionLayoutException ex =
            assertThrows(RegionLayoutException.class, () -> Region.attach(file, RegionKind.VALUE));
        assertTrue(ex.getMessage().contains("another layout version"), ex.getMessage());
        assertTrue(ex.getMessage().contains("file=" + file), ex.getMessage());
    }

    @Test
    void shouldRefuseTruncatedFileNamingIt() throws IOException
    {
        final Path file;
        try (Region region = Region.create(session, "truncated", RegionKind.ARRAY, 4096))
        {
            file = region.file();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(RegionDescriptor.HEADER_LENGTH + 100);
        }
        final RegionLayoutException ex =
            assertThrows(RegionLayoutException.class, () -> Region.attach(file, RegionKind.ARRAY));
        assertTrue(ex.getMessage().contains("truncated region"), ex.getMessage());
        assertTrue(ex.getMessage().contains("file=" + file), ex.getMessage());
    }

    @Test
    void shouldRefuseFileShorterThanHeaderNamingIt() throws IOException
    {
        final Path file = session.file("stub" + Region.FILE_SUFFIX);
        Files.write(file, new byte[10]);
        final RegionLayoutException ex =
            assertThrows(RegionLayoutException.class, () -> Region.attach(file, RegionKind.RAW));
        assertTrue(ex.getMessage().contains("truncated region"), ex.getMessage());
        assertTrue(ex.getMessage().contains("file=" + file), ex.getMessage());
    }

    @Test
    void shouldReportMissingFileNamingIt()
    {
        final Path file = session.file("missing" + Region.FILE_SUFFIX);
        final RegionMissingException ex =
            assertThrows(RegionMissingException.class, () -> Region.attach(file, RegionKind.VALUE));
        assertTrue(ex.getMessage().contains("file=" + file), ex.getMessage());
    }

    @Test
    void shouldRefuseWrongKindNamingIt()
    {
        try (Region region = Region.create(session, "kinded", RegionKind.SYNC, 64))
        {
            final RegionLayoutException ex =
                assertThrows(RegionLayoutException.class, () -> Region.attach(region.file(), RegionKind.VALUE));
            assertTrue(ex.getMessage().contains("kind=SYNC expected=VALUE"), ex.getMessage());
            assertTrue(ex.getMessage().contains("file=" + region.file()), ex.getMessage());
        }
    }

    @Test
    void shouldThrowInsteadOfCrashingWhenUsedAfterClose()
    {
        final Region region = Region.create(session, "closing", RegionKind.RAW, 64);
        final var view = region.view(0, 64);
        final var body = region.body();
        region.close();
        region.close();
        assertThrows(IndexOutOfBoundsException.class, () -> view.getLongVolatile(0));
        assertThrows(IndexOutOfBoundsException.class, () -> body.compareAndSetLong(0, 0, 1));
        assertThrows(IllegalStateException.class, region::body);
    }

    @Test
    void shouldMapEachFileOnceThroughTheCache()
    {
        final Region created = RegionCache.create(session, "cached", RegionKind.VALUE, 64);
        assertSame(created, RegionCache.attach(created.file(), RegionKind.VALUE));
        assertSame(created, RegionCache.attach(created.file().getParent().resolve("./" + created.file().getFileName()),
            RegionKind.VALUE));
        assertThrows(RegionLayoutException.class, () -> RegionCache.attach(created.file(), RegionKind.ARRAY));

        // This JVM was its only holder: closing it removes the file.
        created.close();
        assertFalse(Files.exists(created.file()));
        assertThrows(RegionMissingException.class, () -> RegionCache.attach(created.file(), RegionKind.VALUE));
    }

    @Test
    void shouldRemoveHeldRegionWhenItsLastHolderLetsGoAndKeepPinnedOne()
    {
        final Region pinned = Region.create(session, "pinned", RegionKind.RAW, 64);
        final Region held = Region.createHeld(session, "held", RegionKind.RAW, 64);
        assertTrue(pinned.isPinned());
        assertFalse(held.isPinned());

        final Region second = Region.attach(held.file(), RegionKind.RAW);
        held.transferOut();
        held.close();
        second.close();
        assertTrue(Files.exists(held.file()), "a handle on its way still holds it: " + held.describeHolders());

        final Region arrived = Region.attach(held.file(), RegionKind.RAW);
        arrived.transferIn(ProcessTag.current());
        assertTrue(arrived.release(), "the last holder removes it");
        assertFalse(Files.exists(held.file()));
        arrived.close();
        assertThrows(RegionMissingException.class, () -> Region.attach(held.file(), RegionKind.RAW));

        pinned.close();
        assertTrue(Files.exists(pinned.file()));
    }

    private static void patchInt(final Path file, final int offset, final int value) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder());
            bytes.putInt(0, value);
            channel.write(bytes, offset);
        }
    }
}
