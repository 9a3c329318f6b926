package io.mp4j.chronicle.internal;

import io.mp4j.Mp4jException;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleHashCorruptionImpl;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.VanillaChronicleMap;
import net.openhft.chronicle.map.impl.IterationContext;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Chronicle Map's own crash recovery, run on a map that is open and in use, for {@link io.mp4j.manager.dict.SharedDict}.
 * <p>
 * Chronicle's segment locks do not record their owner, so a process killed inside an operation leaves
 * its segment locked, and its entry perhaps half-written. Chronicle's answer,
 * {@code ChronicleMapBuilder.recoverPersistedTo}, needs the file to itself (it takes an exclusive file
 * lock, which no process that has the map open lets it have). The dict instead makes every process take
 * one robust mp4j lock around each Chronicle call; whoever takes that lock over from a dead owner knows
 * no other process is inside Chronicle, and runs here the segment steps of {@code recoverPersistedTo}:
 * clear the global lock, then per segment clear the lock, check each entry against its checksum
 * (dropping corrupt ones), rebuild the hash lookup and the counters. Not run: its recount of allocated
 * tier bulks and of the stored data size, which need the file to itself; a process killed while
 * allocating a bulk may leave that size one bulk short, which costs nothing in place (bulks are found
 * by their offsets) but a later {@code recoverPersistedTo} would set right. Those steps are not
 * public API; this class is the one place mp4j touches them, and it fails loudly if a Chronicle upgrade
 * moves them.
 */
public final class ChronicleMapRecovery
{
    private static final Method RESET_GLOBAL_LOCK = globalLockReset();

    private ChronicleMapRecovery()
    {
    }

    /**
     * Recovers the map in place. Call only while no other thread or process can be inside the map.
     *
     * @param map the map, open in this process.
     * @return what Chronicle found and repaired, one line per corruption (empty if nothing was wrong).
     */
    public static List<String> recover(final ChronicleMap<?, ?> map)
    {
        final List<String> found = new ArrayList<>();
        final ChronicleHashCorruption.Listener listener = corruption ->
        {
            synchronized (found)
            {
                found.add("segment " + corruption.segmentIndex() + ": " + corruption.message());
            }
        };
        try
        {
            RESET_GLOBAL_LOCK.invoke(map, listener, new ChronicleHashCorruptionImpl());
            try (IterationContext<?, ?, ?> context = ((VanillaChronicleMap<?, ?, ?>)map).iterationContext())
            {
                context.recoverSegments(listener, new ChronicleHashCorruptionImpl());
            }
        }
        catch (final IllegalAccessException | InvocationTargetException | ClassCastException ex)
        {
            throw new Mp4jException("cannot recover a shared dict: map=" + map.name(), ex);
        }
        return found;
    }

    private static Method globalLockReset()
    {
        try
        {
            final Method method = VanillaChronicleHash.class.getDeclaredMethod(
                "resetGlobalMutableStateLock", ChronicleHashCorruption.Listener.class, ChronicleHashCorruptionImpl.class);
            method.setAccessible(true);
            return method;
        }
        catch (final NoSuchMethodException | RuntimeException ex)
        {
            throw new ExceptionInInitializerError(new Mp4jException(
                "this Chronicle Map version has no in-place recovery step mp4j knows: " + ex, ex));
        }
    }
}
