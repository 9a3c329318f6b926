package io.mp4j.manager;

import io.mp4j.Mp4jException;
import io.mp4j.RegionLayoutException;
import io.mp4j.RegionMissingException;
import io.mp4j.WaitStrategy;
import io.mp4j.codec.Codec;
import io.mp4j.codec.CodecDescriptor;
import io.mp4j.internal.region.EmbeddedLocks;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import io.mp4j.sync.SharedLock;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.mp4j.manager.ListDescriptor.ANCHOR_LENGTH;
import static io.mp4j.manager.ListDescriptor.CAPACITY_OFFSET;
import static io.mp4j.manager.ListDescriptor.COMMIT_OFFSET;
import static io.mp4j.manager.ListDescriptor.GENERATION_OFFSET;
import static io.mp4j.manager.ListDescriptor.HEAP_LENGTH_OFFSET;
import static io.mp4j.manager.ListDescriptor.HEAP_TOP_OFFSET;
import static io.mp4j.manager.ListDescriptor.LOCK_OFFSET;
import static io.mp4j.manager.ListDescriptor.MAX_BODY_LENGTH;
import static io.mp4j.manager.ListDescriptor.TYPE_DATA;
import static io.mp4j.manager.ListDescriptor.TYPE_OFFSET;
import static io.mp4j.manager.ListDescriptor.bodyLength;
import static io.mp4j.manager.ListDescriptor.commit;
import static io.mp4j.manager.ListDescriptor.entryHeapOffset;
import static io.mp4j.manager.ListDescriptor.entryLength;
import static io.mp4j.manager.ListDescriptor.entryOffset;
import static io.mp4j.manager.ListDescriptor.heapOffset;

/**
 * A list of encoded items in shared memory, under one robust lock: what {@link SharedList} and
 * {@link SharedNamespace} are made of. Layout and crash safety: {@link ListDescriptor}.
 * <p>
 * Every operation runs between {@link #lock()} and {@link #unlock()}; the methods in between may only be
 * called by the thread holding the lock. {@link #lock()} maps the data generation in use, so a generation
 * replaced by another process is noticed there. Data generations are mapped by this object alone (not
 * through the JVM's region cache), so replacing one unmaps memory no other handle reads.
 */
final class ListStore implements AutoCloseable
{
    /** Fewest entries an index area has. */
    static final int MIN_CAPACITY = 16;

    /** Smallest heap, in bytes. */
    static final int MIN_HEAP_LENGTH = 4096;

    /** Heap bytes reserved per expected item when the list is created. */
    static final int AVERAGE_ITEM_LENGTH = 64;

    private static final String GENERATION_INFIX = "-g";

    private final Path anchorFile;
    private final String name;
    private final Region anchor;
    private final AtomicBuffer anchorBody;
    private final SharedLock lock;
    private final WaitStrategy waitStrategy;
    private final int type;
    private volatile boolean closed;

    // Read and written by the lock's holder only.
    private Region data;
    private AtomicBuffer body;
    private long generation;
    private int capacity;
    private int heapStart;
    private int heapLength;

    private ListStore(final Region anchor, final WaitStrategy waitStrategy)
    {
        this.anchor = anchor;
        this.anchorFile = anchor.file();
        this.name = anchor.name();
        this.anchorBody = anchor.body();
        this.waitStrategy = waitStrategy;
        this.type = anchorBody.getIntVolatile(TYPE_OFFSET);
        this.lock = (SharedLock)EmbeddedLocks.lock(anchor, LOCK_OFFSET, waitStrategy);
    }

    /**
     * Creates an empty store in a session.
     *
     * @param session       the session its regions live in.
     * @param type          {@link ListDescriptor#TYPE_LIST} or {@link ListDescriptor#TYPE_NAMESPACE}.
     * @param expectedItems how many items the first generation has room for.
     * @param waitStrategy  how the lock waits.
     * @return the store.
     */
    static ListStore create(final Session session, final int type, final int expectedItems, final WaitStrategy waitStrategy)
    {
        if (expectedItems < 1)
        {
            throw new IllegalArgumentException("a list expects at least one item: expectedItems=" + expectedItems);
        }
        final int capacity = Math.max(MIN_CAPACITY, expectedItems);
        final long heap = Math.max(MIN_HEAP_LENGTH, (long)expectedItems * AVERAGE_ITEM_LENGTH);
        if (bodyLength(capacity, heap) > MAX_BODY_LENGTH)
        {
            throw new IllegalArgumentException("a list cannot expect that many items: expectedItems=" + expectedItems +
                " bodyLength=" + bodyLength(capacity, heap) + " maxBodyLength=" + MAX_BODY_LENGTH);
        }

        final String name = session.uniqueName(type == ListDescriptor.TYPE_NAMESPACE ? "namespace" : "list");
        final Region anchor = Region.create(session, name, RegionKind.LIST, ANCHOR_LENGTH);
        try
        {
            anchor.body().putInt(TYPE_OFFSET, type);
            createGeneration(session, name, 1, capacity, (int)heap).close();
            anchor.body().putLongOrdered(GENERATION_OFFSET, 1);
            return new ListStore(anchor, waitStrategy);
        }
        catch (final RuntimeException ex)
        {
            anchor.close();
            deleteQuietly(anchor.file());
            deleteQuietly(dataFile(anchor.file(), name, 1));
            throw ex;
        }
    }

    /**
     * Attaches to a store another process (or this one) created.
     *
     * @param anchorFile   the anchor region's file.
     * @param type         what the store must be.
     * @param waitStrategy how the lock waits.
     * @return the store.
     * @throws RegionMissingException if the store is gone (its manager closed).
     * @throws RegionLayoutException  if the file holds something else.
     */
    static ListStore attach(final Path anchorFile, final int type, final WaitStrategy waitStrategy)
    {
        final Region anchor = Region.attach(anchorFile, RegionKind.LIST);
        final int actual = anchor.body().getIntVolatile(TYPE_OFFSET);
        if (actual != type)
        {
            anchor.close();
            throw new RegionLayoutException("region holds another manager object: file=" + anchorFile +
                " type=" + (char)actual + " expected=" + (char)type);
        }
        return new ListStore(anchor, waitStrategy);
    }

    /**
     * The store's name in its session.
     *
     * @return e.g. {@code list-1234-5}.
     */
    String name()
    {
        return name;
    }

    /**
     * The anchor region's file: what a handle carries.
     *
     * @return its path.
     */
    Path anchorFile()
    {
        return anchorFile;
    }

    /**
     * How the lock waits.
     *
     * @return the strategy this handle was made with.
     */
    WaitStrategy waitStrategy()
    {
        return waitStrategy;
    }

    /**
     * The lock every operation takes; for tests that watch who holds it.
     *
     * @return the lock.
     */
    SharedLock sharedLock()
    {
        return lock;
    }

    /**
     * The number of the data generation in use: how many times the store has grown or been compacted,
     * plus one; for tests.
     *
     * @return the generation, from 1.
     */
    long generation()
    {
        return anchorBody.getLongVolatile(GENERATION_OFFSET);
    }

    /**
     * Takes the lock and maps the data generation in use. The first holder after a process died holding
     * the lock removes what that process may have left half-made; the items themselves need no repair.
     */
    void lock()
    {
        if (closed)
        {
            throw new IllegalStateException("shared " + kindName() + " is closed in this process: name=" + name);
        }
        lock.lock();
        try
        {
            final long current = anchorBody.getLongVolatile(GENERATION_OFFSET);
            if (lock.previousOwnerDied())
            {
                removeStaleGenerations(current);
            }
            if (current != generation)
            {
                map(current);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            lock.unlock();
            throw ex;
        }
    }

    /** Releases the lock. */
    void unlock()
    {
        lock.unlock();
    }

    /**
     * The number of items. Lock held.
     *
     * @return the size.
     */
    int size()
    {
        return (int)body.getLong(COMMIT_OFFSET);
    }

    /**
     * An item's entry, to read its bytes with. Lock held; valid until the next change.
     *
     * @param index the item's position, within the size.
     * @return its entry.
     */
    long entry(final int index)
    {
        return body.getLong(entryOffset(capacity, activeAreaB(), index));
    }

    /**
     * An item's value: decoded in place if it is a direct value, otherwise its bytes copied out to be
     * deserialized after the lock is released ({@link #resolve(Object)}). Lock held.
     *
     * @param entry the item's entry.
     * @param skip  how many bytes of the item precede the encoded value.
     * @return the value, or a deferred copy.
     */
    Object read(final long entry, final int skip)
    {
        final int offset = heapStart + entryHeapOffset(entry) + skip;
        final int length = entryLength(entry) - skip;
        if (body.getByte(offset + CodecDescriptor.TAG_OFFSET) == CodecDescriptor.SERIALIZED)
        {
            final byte[] copy = new byte[length];
            body.getBytes(offset, copy);
            return new Deferred(copy);
        }
        return Codec.decode(body, offset, length);
    }

    /**
     * The value {@link #read(long, int)} returned, deserializing a deferred copy. Call it without the lock.
     *
     * @param read what {@link #read(long, int)} returned.
     * @return the value.
     */
    static Object resolve(final Object read)
    {
        return read instanceof Deferred ? Codec.decode(((Deferred)read).bytes()) : read;
    }

    /**
     * Whether an item's bytes start with a prefix. Lock held.
     *
     * @param entry  the item's entry.
     * @param prefix the bytes.
     * @return true if they match.
     */
    boolean startsWith(final long entry, final byte[] prefix)
    {
        if (entryLength(entry) < prefix.length)
        {
            return false;
        }
        final int offset = heapStart + entryHeapOffset(entry);
        for (int i = 0; i < prefix.length; i++)
        {
            if (body.getByte(offset + i) != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Every item's bytes, copied in one go. Lock held; decode the copy after releasing it.
     *
     * @return the copy.
     */
    Snapshot snapshot()
    {
        final int size = size();
        final boolean areaB = activeAreaB();
        final int[] ends = new int[size];
        long total = 0;
        for (int i = 0; i < size; i++)
        {
            total += entryLength(body.getLong(entryOffset(capacity, areaB, i)));
            ends[i] = (int)total;
        }
        final byte[] bytes = new byte[(int)total];
        int at = 0;
        for (int i = 0; i < size; i++)
        {
            final long entry = body.getLong(entryOffset(capacity, areaB, i));
            body.getBytes(heapStart + entryHeapOffset(entry), bytes, at, entryLength(entry));
            at += entryLength(entry);
        }
        return new Snapshot(bytes, ends);
    }

    /**
     * Appends items. Lock held.
     *
     * @param items their encodings.
     */
    void append(final byte[]... items)
    {
        ensureRoom(size() + items.length, totalLength(items));
        final int size = size();
        final boolean areaB = activeAreaB();
        int top = (int)body.getLong(HEAP_TOP_OFFSET);
        for (int i = 0; i < items.length; i++)
        {
            body.putBytes(heapStart + top, items[i]);
            body.putLong(entryOffset(capacity, areaB, size + i), ListDescriptor.entry(top, items[i].length));
            top += items[i].length;
        }
        // Entries past the size are invisible, so the commit word alone publishes them.
        body.putLongOrdered(HEAP_TOP_OFFSET, top);
        body.putLongOrdered(COMMIT_OFFSET, commit(areaB, size + items.length));
    }

    /**
     * Replaces an item. Lock held; read the old value first, as its bytes may move.
     *
     * @param index the item's position, within the size.
     * @param item  the new encoding.
     */
    void replace(final int index, final byte[] item)
    {
        ensureRoom(size(), item.length);
        final int top = (int)body.getLong(HEAP_TOP_OFFSET);
        body.putBytes(heapStart + top, item);
        body.putLongOrdered(HEAP_TOP_OFFSET, top + item.length);
        // One word: another process, or a recovery after this one dies, sees the old item or the new one.
        body.putLongOrdered(entryOffset(capacity, activeAreaB(), index), ListDescriptor.entry(top, item.length));
    }

    /**
     * Replaces the items in {@code [from, to)} with others, as one change. Lock held; read what is
     * removed first, as its bytes may move.
     *
     * @param from     the first position replaced.
     * @param to       the position after the last one replaced.
     * @param inserted the encodings put in their place, possibly none.
     */
    void splice(final int from, final int to, final byte[]... inserted)
    {
        final int oldSize = size();
        final int newSize = oldSize - (to - from) + inserted.length;
        ensureRoom(newSize, totalLength(inserted));
        final boolean areaB = activeAreaB();
        int top = (int)body.getLong(HEAP_TOP_OFFSET);
        copyEntries(areaB, 0, 0, from);
        for (int i = 0; i < inserted.length; i++)
        {
            body.putBytes(heapStart + top, inserted[i]);
            body.putLong(entryOffset(capacity, !areaB, from + i), ListDescriptor.entry(top, inserted[i].length));
            top += inserted[i].length;
        }
        copyEntries(areaB, to, from + inserted.length, oldSize - to);
        body.putLongOrdered(HEAP_TOP_OFFSET, top);
        body.putLongOrdered(COMMIT_OFFSET, commit(!areaB, newSize));
    }

    /**
     * Keeps the items a mask marks, in order, as one change. Lock held.
     *
     * @param keep one flag per item.
     */
    void retain(final boolean[] keep)
    {
        final boolean areaB = activeAreaB();
        int kept = 0;
        for (int i = 0; i < keep.length; i++)
        {
            if (keep[i])
            {
                body.putLong(entryOffset(capacity, !areaB, kept++), body.getLong(entryOffset(capacity, areaB, i)));
            }
        }
        body.putLongOrdered(COMMIT_OFFSET, commit(!areaB, kept));
    }

    /**
     * Reorders the items, as one change. Lock held.
     *
     * @param order for each new position, the old position of the item that goes there.
     */
    void permute(final int[] order)
    {
        final boolean areaB = activeAreaB();
        for (int i = 0; i < order.length; i++)
        {
            body.putLong(entryOffset(capacity, !areaB, i), body.getLong(entryOffset(capacity, areaB, order[i])));
        }
        body.putLongOrdered(COMMIT_OFFSET, commit(!areaB, order.length));
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return true once closed.
     */
    boolean isClosed()
    {
        return closed;
    }

    /**
     * Unmaps the store in this JVM; the items stay for the other processes. Idempotent. Closing it while
     * another thread of this JVM uses it is the caller's error, as for any region.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (data != null)
        {
            data.close();
        }
        anchor.close();
    }

    /**
     * A description for messages and {@code toString}.
     *
     * @return {@code list} or {@code namespace}.
     */
    String kindName()
    {
        return type == ListDescriptor.TYPE_NAMESPACE ? "namespace" : "list";
    }

    private boolean activeAreaB()
    {
        return body.getLong(COMMIT_OFFSET) < 0;
    }

    private void copyEntries(final boolean fromAreaB, final int from, final int to, final int count)
    {
        if (count > 0)
        {
            body.putBytes(entryOffset(capacity, !fromAreaB, to), body, entryOffset(capacity, fromAreaB, from),
                count * ListDescriptor.ENTRY_LENGTH);
        }
    }

    private void ensureRoom(final int items, final long bytes)
    {
        if (items > capacity || body.getLong(HEAP_TOP_OFFSET) + bytes > heapLength)
        {
            grow(items, bytes);
        }
    }

    /**
     * Writes the live items, compacted, into a new generation with room for {@code items} entries and
     * {@code bytes} more heap, publishes it and unmaps the old one. Sizes double, so that the copying
     * costs each item a constant amount on average; a heap that compaction leaves at most half full keeps
     * its size.
     */
    private void grow(final int items, final long bytes)
    {
        final int size = size();
        final boolean areaB = activeAreaB();
        long live = 0;
        for (int i = 0; i < size; i++)
        {
            live += entryLength(body.getLong(entryOffset(capacity, areaB, i)));
        }

        long newCapacity = capacity;
        while (newCapacity < items)
        {
            newCapacity *= 2;
        }
        long newHeap = heapLength;
        while (newHeap < 2 * (live + bytes))
        {
            newHeap *= 2;
        }
        if (bodyLength(newCapacity, newHeap) > MAX_BODY_LENGTH)
        {
            // Doubling overshoots the largest region: settle for what fits, if the items do.
            newCapacity = Math.max(items, capacity);
            newHeap = MAX_BODY_LENGTH - bodyLength(newCapacity, 0);
            if (newHeap < live + bytes)
            {
                throw new Mp4jException("shared " + kindName() + " is full: name=" + name + " items=" + items +
                    " itemBytes=" + (live + bytes) + " maxBodyLength=" + MAX_BODY_LENGTH +
                    " (a list holds at most about 2 GiB of items and entries)");
            }
        }

        final long next = generation + 1;
        final Path nextFile = dataFile(anchorFile, name, next);
        // Left by a process that died growing the list: it was never published.
        deleteQuietly(nextFile);
        final Region fresh = createGeneration(
            Session.attach(anchorFile.getParent()), name, next, (int)newCapacity, (int)newHeap);
        try
        {
            final AtomicBuffer target = fresh.body();
            final int targetHeap = heapOffset((int)newCapacity);
            int top = 0;
            for (int i = 0; i < size; i++)
            {
                final long entry = body.getLong(entryOffset(capacity, areaB, i));
                final int length = entryLength(entry);
                target.putBytes(targetHeap + top, body, heapStart + entryHeapOffset(entry), length);
                target.putLong(entryOffset((int)newCapacity, false, i), ListDescriptor.entry(top, length));
                top += length;
            }
            target.putLong(HEAP_TOP_OFFSET, top);
            target.putLongOrdered(COMMIT_OFFSET, commit(false, size));
        }
        catch (final RuntimeException ex)
        {
            fresh.close();
            deleteQuietly(nextFile);
            throw ex;
        }

        anchorBody.putLongOrdered(GENERATION_OFFSET, next);
        final Path oldFile = data.file();
        use(fresh, next);
        // Processes still mapping the old generation keep their mapping until their next call.
        deleteQuietly(oldFile);
    }

    private static Region createGeneration(
        final Session session, final String name, final long generation, final int capacity, final int heapLength)
    {
        final Region region = Region.create(session, name + GENERATION_INFIX + generation, RegionKind.LIST,
            (int)bodyLength(capacity, heapLength));
        final AtomicBuffer body = region.body();
        body.putLong(CAPACITY_OFFSET, capacity);
        body.putLong(HEAP_LENGTH_OFFSET, heapLength);
        body.putIntOrdered(TYPE_OFFSET, TYPE_DATA);
        return region;
    }

    private void map(final long current)
    {
        final Region region;
        try
        {
            region = Region.attach(dataFile(anchorFile, name, current), RegionKind.LIST);
        }
        catch (final RegionMissingException ex)
        {
            throw new RegionMissingException("shared " + kindName() + " is gone (was its manager closed?): name=" +
                name + " generation=" + current + " file=" + anchorFile);
        }
        final AtomicBuffer mapped = region.body();
        final long mappedCapacity = mapped.getLong(CAPACITY_OFFSET);
        final long mappedHeap = mapped.getLong(HEAP_LENGTH_OFFSET);
        if (mapped.getIntVolatile(TYPE_OFFSET) != TYPE_DATA || mappedCapacity < 1 || mappedHeap < 0 ||
            bodyLength(mappedCapacity, mappedHeap) > region.bodyLength())
        {
            region.close();
            throw new RegionLayoutException("not a list generation: file=" + region.file() + " capacity=" +
                mappedCapacity + " heapLength=" + mappedHeap + " bodyLength=" + region.bodyLength());
        }
        use(region, current);
    }

    private void use(final Region region, final long regionGeneration)
    {
        if (data != null)
        {
            data.close();
        }
        data = region;
        body = region.body();
        generation = regionGeneration;
        capacity = (int)body.getLong(CAPACITY_OFFSET);
        heapLength = (int)body.getLong(HEAP_LENGTH_OFFSET);
        heapStart = heapOffset(capacity);
    }

    private void removeStaleGenerations(final long current)
    {
        // A process that died growing the list left the next generation unpublished, or the previous
        // one undeleted.
        deleteQuietly(dataFile(anchorFile, name, current + 1));
        if (current > 1)
        {
            deleteQuietly(dataFile(anchorFile, name, current - 1));
        }
    }

    private static Path dataFile(final Path anchorFile, final String name, final long generation)
    {
        return anchorFile.resolveSibling(name + GENERATION_INFIX + generation + Region.FILE_SUFFIX);
    }

    private static long totalLength(final byte[][] items)
    {
        long total = 0;
        for (final byte[] item : items)
        {
            total += item.length;
        }
        return total;
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            // The session's removal deletes what is left.
        }
    }

    /** A serialized value's bytes, copied under the lock to be deserialized after it. */
    private record Deferred(byte[] bytes)
    {
    }

    /**
     * Items' bytes copied out under the lock, decoded after it.
     *
     * @param bytes every item's bytes, one after the other.
     * @param ends  where each item's bytes end.
     */
    record Snapshot(byte[] bytes, int[] ends)
    {
        /**
         * How many items were copied.
         *
         * @return the count.
         */
        int size()
        {
            return ends.length;
        }

        /**
         * Decodes one item.
         *
         * @param index the item's position.
         * @param skip  how many bytes of the item precede the encoded value.
         * @return the value.
         */
        Object decode(final int index, final int skip)
        {
            final int start = start(index);
            return Codec.decode(new UnsafeBuffer(bytes), start + skip, ends[index] - start - skip);
        }

        /**
         * Where an item's bytes start.
         *
         * @param index the item's position.
         * @return the offset in {@link #bytes()}.
         */
        int start(final int index)
        {
            return index == 0 ? 0 : ends[index - 1];
        }
    }
}
