package io.mp4j.chronicle.internal;

import io.mp4j.Mp4jException;
import io.mp4j.pool.JournaledCall;
import io.mp4j.pool.internal.JournalWriter;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pool's journal in a Chronicle Queue: the tasks of a call when it is submitted, each result as it
 * arrives, the end of the call; read back by {@code io.mp4j.pool.journal.PoolJournal}. Writing is for the
 * pool's engine thread; reading for any thread, preferably of a process that is not writing.
 * <p>
 * Each record is one Chronicle document: a type byte, the pool's run id, the call id, the task index,
 * then the type's payload.
 */
public final class JournalFile implements JournalWriter
{
    private static final byte CALL_STARTED = 1;
    private static final byte TASK_SUBMITTED = 2;
    private static final byte TASK_COMPLETED = 3;
    private static final byte CALL_ENDED = 4;

    private final Path directory;
    private final ChronicleQueue queue;
    private ExcerptAppender appender;

    private JournalFile(final Path directory)
    {
        this.directory = directory;
        ChronicleFlags.require("the pool journal (PoolContext.journal, PoolJournal)");
        ChronicleDefaults.apply();
        try
        {
            // Owner-only whatever the umask, if mp4j makes it: Chronicle would make it with the umask's mode.
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            this.queue = ChronicleQueue.singleBuilder(directory).build();
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new Mp4jException("cannot open pool journal: directory=" + directory, ex);
        }
    }

    /**
     * Opens the journal in a directory, creating it if needed.
     *
     * @param directory where the journal's files live; not inside a session, which is removed on exit.
     * @return the journal.
     */
    public static JournalFile open(final Path directory)
    {
        return new JournalFile(directory);
    }

    /**
     * The journal's directory.
     *
     * @return the path given to {@link #open(Path)}.
     */
    public Path directory()
    {
        return directory;
    }

    @Override
    public void callStarted(final long runId, final long callId, final String description, final byte[] function,
        final int taskCount)
    {
        try (DocumentContext document = appender().writingDocument())
        {
            final Bytes<?> bytes = header(document, CALL_STARTED, runId, callId, taskCount);
            bytes.writeUtf8(description);
            writeBlob(bytes, function);
        }
    }

    @Override
    public void taskSubmitted(final long runId, final long callId, final int index, final byte[] items)
    {
        try (DocumentContext document = appender().writingDocument())
        {
            writeBlob(header(document, TASK_SUBMITTED, runId, callId, index), items);
        }
    }

    @Override
    public void taskCompleted(final long runId, final long callId, final int index, final byte[] results)
    {
        try (DocumentContext document = appender().writingDocument())
        {
            writeBlob(header(document, TASK_COMPLETED, runId, callId, index), results);
        }
    }

    @Override
    public void callEnded(final long runId, final long callId)
    {
        try (DocumentContext document = appender().writingDocument())
        {
            header(document, CALL_ENDED, runId, callId, -1);
        }
    }

    /**
     * Every call in the journal, in the order they started, with what finished of each.
     *
     * @return the calls.
     */
    public List<JournaledCall> calls()
    {
        final Map<String, Builder> calls = new LinkedHashMap<>();
        try (ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext document = tailer.readingDocument())
                {
                    if (!document.isPresent())
                    {
                        break;
                    }
                    final Bytes<?> bytes = document.wire().bytes();
                    final byte type = bytes.readByte();
                    final long runId = bytes.readLong();
                    final long callId = bytes.readLong();
                    final int index = bytes.readInt();
                    final String key = runId + "/" + callId;
                    switch (type)
                    {
                        case CALL_STARTED -> calls.put(key,
                            new Builder(runId, callId, bytes.readUtf8(), readBlob(bytes), index));
                        case TASK_SUBMITTED -> calls.get(key).items.put(index, readBlob(bytes));
                        case TASK_COMPLETED -> calls.get(key).results.put(index, readBlob(bytes));
                        case CALL_ENDED -> calls.get(key).ended = true;
                        default -> throw new Mp4jException(
                            "unknown pool journal record: type=" + type + " directory=" + directory);
                    }
                }
            }
        }

        final List<JournaledCall> result = new ArrayList<>(calls.size());
        for (final Builder builder : calls.values())
        {
            result.add(new JournaledCall(builder.runId, builder.callId, builder.description, builder.function,
                builder.taskCount, Map.copyOf(builder.items), Map.copyOf(builder.results), builder.ended));
        }
        return result;
    }

    /**
     * The calls that had not ended when the journal was last written: what a crashed parent left undone.
     *
     * @return the unfinished calls.
     */
    public List<JournaledCall> unfinishedCalls()
    {
        final List<JournaledCall> unfinished = new ArrayList<>();
        for (final JournaledCall call : calls())
        {
            if (!call.ended())
            {
                unfinished.add(call);
            }
        }
        return unfinished;
    }

    /** Closes the journal; its files stay. Idempotent. */
    @Override
    public void close()
    {
        queue.close();
    }

    private ExcerptAppender appender()
    {
        if (appender == null)
        {
            appender = queue.createAppender();
        }
        return appender;
    }

    private static Bytes<?> header(
        final DocumentContext document, final byte type, final long runId, final long callId, final int index)
    {
        final Bytes<?> bytes = document.wire().bytes();
        bytes.writeByte(type);
        bytes.writeLong(runId);
        bytes.writeLong(callId);
        bytes.writeInt(index);
        return bytes;
    }

    private static void writeBlob(final Bytes<?> bytes, final byte[] blob)
    {
        bytes.writeInt(blob.length);
        bytes.write(blob);
    }

    private static byte[] readBlob(final Bytes<?> bytes)
    {
        final byte[] blob = new byte[bytes.readInt()];
        bytes.read(blob);
        return blob;
    }

    private static final class Builder
    {
        final long runId;
        final long callId;
        final String description;
        final byte[] function;
        final int taskCount;
        final Map<Integer, byte[]> items = new HashMap<>();
        final Map<Integer, byte[]> results = new HashMap<>();
        boolean ended;

        Builder(final long runId, final long callId, final String description, final byte[] function,
            final int taskCount)
        {
            this.runId = runId;
            this.callId = callId;
            this.description = description;
            this.function = function;
            this.taskCount = taskCount;
        }
    }
}
