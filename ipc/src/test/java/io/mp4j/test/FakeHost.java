package io.mp4j.test;

import io.mp4j.host.internal.HostDescriptor;
import io.mp4j.internal.FileOwners;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What a running worker host of one worker leaves for its clients, made by this JVM without workers: a
 * session with a control region that says the host (this JVM) runs, and a registration (0600) naming it.
 * A test then changes what it needs (the layout, owners, permissions) and attaches. Closing removes all
 * of it.
 */
public final class FakeHost implements AutoCloseable
{
    private final String name = TestHosts.uniqueName();
    private final Path registration = HostDescriptor.registrationOf(name);
    private final Session session = Session.create();
    private final Region control = Region.create(session, HostDescriptor.CONTROL_REGION, RegionKind.HOST,
        HostDescriptor.bodyLength(1));

    /**
     * A host of this layout, or of another.
     *
     * @param layoutVersion the version its header says; 0 writes none, as layout 1 did.
     */
    public FakeHost(final int layoutVersion) throws IOException
    {
        final AtomicBuffer buffer = control.body();
        buffer.putLong(HostDescriptor.HOST_PID_OFFSET, ProcessIdentity.current().pid());
        buffer.putLong(HostDescriptor.HOST_START_OFFSET, ProcessIdentity.current().startEpochMilli());
        buffer.putInt(HostDescriptor.WORKER_COUNT_OFFSET, 1);
        buffer.putInt(HostDescriptor.LAYOUT_VERSION_OFFSET, layoutVersion);
        buffer.putIntOrdered(HostDescriptor.HOST_STATE_OFFSET, HostDescriptor.HOST_RUNNING);
        try
        {
            Files.createFile(registration, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(registration, session.directory() + "\n" + ProcessHandle.current().pid() + "\n",
                StandardCharsets.UTF_8);
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    public String name()
    {
        return name;
    }

    public Path registration()
    {
        return registration;
    }

    public Path sessionDirectory()
    {
        return session.directory();
    }

    /** The control region's file in the session. */
    public Path controlFile()
    {
        return session.directory().resolve(HostDescriptor.CONTROL_REGION + Region.FILE_SUFFIX);
    }

    /** Gives everything back to this JVM's user (a test may have given it away), then removes it. */
    @Override
    public void close() throws IOException
    {
        try
        {
            final int uid = FileOwners.thisUsersUid();
            for (final Path part : new Path[]{controlFile(), session.directory(), registration})
            {
                if (Files.exists(part, LinkOption.NOFOLLOW_LINKS))
                {
                    Files.setAttribute(part, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                }
            }
            Files.deleteIfExists(registration);
        }
        finally
        {
            control.close();
            session.close();
        }
    }
}
