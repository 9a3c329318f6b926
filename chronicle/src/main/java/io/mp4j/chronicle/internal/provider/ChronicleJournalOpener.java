package io.mp4j.chronicle.internal.provider;

import io.mp4j.chronicle.internal.JournalFile;
import io.mp4j.pool.internal.JournalWriter;

import java.nio.file.Path;

/** Opens a pool's journal in a Chronicle Queue; found by the pool through {@link java.util.ServiceLoader}. */
public final class ChronicleJournalOpener implements JournalWriter.Opener
{
    /** For {@link java.util.ServiceLoader}. */
    public ChronicleJournalOpener()
    {
    }

    @Override
    public JournalWriter open(final Path directory)
    {
        return JournalFile.open(directory);
    }
}
