package io.mp4j.chronicle.internal;

import io.mp4j.process.internal.JvmFlagCheck;
import io.mp4j.process.internal.JvmFlags;
import net.openhft.chronicle.core.Jvm;

/**
 * The check every way into Chronicle passes first: that this JVM has the exports and opens mp4j-chronicle's
 * flag list names, so a JVM started without them fails at once with a message that names them, instead of
 * deep inside Chronicle. Checked once per JVM; child JVMs that mp4j starts get the flags from mp4j.
 */
public final class ChronicleFlags
{
    private ChronicleFlags()
    {
    }

    /**
     * Fails if this JVM lacks one of Chronicle's exports or opens; call before any Chronicle class is
     * initialised. Any thread.
     *
     * @param feature what the caller asked for, for the message, e.g. {@code DurableQueue}.
     */
    public static void require(final String feature)
    {
        // A class literal loads Jvm without initialising it: the packages must reach Chronicle's module.
        JvmFlagCheck.require(JvmFlags.CHRONICLE, feature, Jvm.class);
    }
}
