package io.mp4j.manager.dict;

import io.mp4j.EncodingException;
import io.mp4j.Mp4jException;
import io.mp4j.RegionMissingException;
import io.mp4j.WaitStrategy;
import io.mp4j.chronicle.internal.ChronicleDefaults;
import io.mp4j.chronicle.internal.ChronicleFlags;
import io.mp4j.chronicle.internal.ChronicleMapPrecompiler;
import io.mp4j.chronicle.internal.ChronicleMapRecovery;
import io.mp4j.chronicle.internal.DictDescriptor;
import io.mp4j.codec.Codec;
import io.mp4j.internal.region.EmbeddedLocks;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.manager.Manager;
import io.mp4j.session.Session;
import io.mp4j.sync.SharedLock;
import net.openhft.chronicle.core.io.ClosedIllegalStateException;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.concurrent.AtomicBuffer;

import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Function;

import static io.mp4j.chronicle.internal.DictDescriptor.CAPACITY_OFFSET;
import static io.mp4j.chronicle.internal.DictDescriptor.CLEAR;
import static io.mp4j.chronicle.internal.DictDescriptor.JOURNAL_OFFSET;
import static io.mp4j.chronicle.internal.DictDescriptor.KEY_LENGTH_OFFSET;
import static io.mp4j.chronicle.internal.DictDescriptor.LOCK_OFFSET;
import static io.mp4j.chronicle.internal.DictDescriptor.MAX_REDO_ATTEMPTS;
import static io.mp4j.chronicle.internal.DictDescriptor.NEXT_ORDER_OFFSET;
import static io.mp4j.chronicle.internal.DictDescriptor.NONE;
import static io.mp4j.chronicle.internal.DictDescriptor.PAYLOAD_CAPACITY;
import static io.mp4j.chronicle.internal.DictDescriptor.PAYLOAD_OFFSET;
import static io.mp4j.chronicle.internal.DictDescriptor.PUT;
import static io.mp4j.chronicle.internal.DictDescriptor.RECOVERING_OFFSET;
import static io.mp4j.chronicle.internal.DictDescriptor.REDO_ATTEMPTS_OFFSET;
import static io.mp4j.chronicle.internal.DictDescriptor.REMOVE;
import static io.mp4j.chronicle.internal.DictDescriptor.SIZE_OFFSET;
import static io.mp4j.chronicle.internal.DictDescriptor.VALUE_LENGTH_OFFSET;

/**
 * A dict shared by processes: Python's {@code Manager().dict()}, without the manager's server process.
 * It is a {@link ConcurrentMap} backed by a Chronicle Map in a file of the session that every process
 * maps directly, so an operation costs a hash lookup in shared memory, not a round trip to a server.
 * It is {@link Serializable}: a child that receives it opens the same map.
 * <p>
 * Keys and values cross processes in mp4j's codec ({@link Codec}): strings, boxed primitives and
 * primitive arrays directly, anything else {@code Serializable} by Java serialization. Keys are
 * compared by their encoding, so strings, boxed primitives and {@code byte[]} work as keys (equal keys
 * encode to equal bytes; a {@code byte[]} key matches by content); a serialized key matches only if it
 * serializes to the same bytes. A dict is sized for an expected number of entries and grows
 * to four times that, its {@link #capacity()}; past it, a put of a new key fails with an exception that
 * says so, in every process. Entries much larger than it was sized for can fill it sooner: it then says
 * so once, and its capacity becomes the number of keys it held.
 * <p>
 * <b>A process killed mid-call</b>, even SIGKILLed inside Chronicle Map, leaves the dict readable and
 * consistent: each call holds a robust mp4j lock and journals its change first (see
 * {@link DictDescriptor}), so the next caller takes the lock over within about 100 ms, repairs the map
 * with Chronicle's recovery and completes the dead process's change. Python's manager serializes all
 * calls in its server thread; this lock does the same, around the map operation only (encoding and
 * decoding happen outside it).
 * <p>
 * Iteration, {@link #entrySet()}, {@link #keySet()} and {@link #values()} are over a snapshot taken under
 * the lock, in insertion order as a Python dict's: Chronicle Map keeps entries in hash order, so each
 * stored value starts with its key's insertion number and the snapshot is sorted by it; a changed value
 * keeps its key's number, a removed and re-added key takes a new one. As in {@link java.util.concurrent.ConcurrentHashMap}, keys and values cannot be null, and
 * {@code compute}, {@code merge} and their kin run their function outside the lock, without holding up
 * other processes, and then store its result only if the entry has not changed meanwhile (trying again
 * if it has), so the function may run more than once. Any thread may use a dict.
 */
public final class SharedDict<K, V> implements ConcurrentMap<K, V>, AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 2L;

    /** How far past its expected size a dict may grow before puts fail. */
    public static final int MAX_GROWTH = 4;

    /**
     * The largest entry a dict accepts: its key and value, serialized, together, and the 8 bytes of the
     * value's insertion order.
     */
    public static final int MAX_ENTRY_BYTES = PAYLOAD_CAPACITY;

    private static final int AVERAGE_KEY_BYTES = 32;
    private static final int AVERAGE_VALUE_BYTES = 64;
    /** How Chronicle Map says it has no tier left to grow into. */
    private static final String TIERS_EXHAUSTED = "extra segment tier";
    /** What an {@link #update} remapping returns to leave the entry as it is. */
    private static final Object UNCHANGED = new Object();
    /** What this is called in the message of a JVM that lacks Chronicle's flags. */
    private static final String FEATURE = "SharedDict (Manager.dict())";

    private final String name;
    private final String file;
    private final String guardFile;
    private final long expectedEntries;
    private transient ChronicleMap<byte[], byte[]> map;
    private transient Region guard;
    private transient AtomicBuffer guardBody;
    private transient SharedLock lock;
    /** Calls of this process's threads read-lock it; {@link #close()} write-locks it, so no call sees the map go. */
    private transient ReentrantReadWriteLock inUse;
    private transient boolean closed;

    private SharedDict(final String name, final Path file, final Region guard, final long expectedEntries)
    {
        this.name = name;
        this.file = file.toString();
        this.guardFile = guard.file().toString();
        this.expectedEntries = expectedEntries;
        attach(guard);
    }

    /**
     * A new, empty dict in a session, sized for an expected number of entries; it grows to
     * {@value #MAX_GROWTH} times that before puts fail. {@code Manager.dict()} calls this; call it
     * directly for a dict without a manager.
     *
     * @param session         the session its files live in; they go when it ends or on {@link #delete()}.
     * @param name            its name, unique within the session: letters, digits, {@code . _ -}.
     * @param expectedEntries how many entries it should hold, at least 1.
     * @param <K>             the key type.
     * @param <V>             the value type.
     * @return the dict, shareable with child processes.
     */
    public static <K, V> SharedDict<K, V> create(final Session session, final String name, final long expectedEntries)
    {
        if (expectedEntries < 1)
        {
            throw new IllegalArgumentException("a dict expects at least one entry: name=" + name +
                " expectedEntries=" + expectedEntries);
        }
        ChronicleFlags.require(FEATURE);
        final Region guard = Region.create(session, name, RegionKind.DICT, DictDescriptor.BODY_LENGTH);
        final Path file = session.file(name + ".cmap");
        try
        {
            // Made owner-only here: Chronicle would create it with the umask's permissions, e.g. 0644.
            session.createFile(file.getFileName().toString());
            final SharedDict<K, V> dict = new SharedDict<>(name, file, guard, expectedEntries);
            dict.guardBody.putLongVolatile(CAPACITY_OFFSET,
                expectedEntries > Long.MAX_VALUE / MAX_GROWTH ? Long.MAX_VALUE : expectedEntries * MAX_GROWTH);
            return dict;
        }
        catch (final RuntimeException | Error ex)
        {
            guard.close();
            deleteQuietly(guard.file());
            deleteQuietly(file);
            throw ex;
        }
    }

    private void attach(final Region region)
    {
        guard = region;
        guardBody = region.body();
        lock = (SharedLock)EmbeddedLocks.lock(region, LOCK_OFFSET, WaitStrategy.defaultStrategy());
        inUse = new ReentrantReadWriteLock();
        ChronicleDefaults.apply();
        ChronicleMapPrecompiler.define();
        try
        {
            // No close at exit by Chronicle's hook: it would unmap the map under threads still using it.
            map = ChronicleMap.of(byte[].class, byte[].class)
                .name(name)
                .entries(expectedEntries)
                .averageKeySize(AVERAGE_KEY_BYTES)
                .averageValueSize(AVERAGE_VALUE_BYTES)
                .maxBloatFactor(MAX_GROWTH)
                .skipCloseOnExitHook(true)
                .createPersistedTo(new File(file));
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new Mp4jException("cannot open shared dict: name=" + name + " file=" + file, ex);
        }
    }

    /**
     * The dict's name.
     *
     * @return the name given by the manager.
     */
    public String name()
    {
        return name;
    }

    /**
     * The most keys this dict holds, the same in every process: {@value #MAX_GROWTH} times its expected
     * entries, or fewer once it has reported itself full (its entries took more room than it was sized
     * for): then the number of keys it held at that moment. A new key past it is refused; a key already
     * in the dict can still change its value.
     *
     * @return the capacity in keys.
     */
    public long capacity()
    {
        return locked(m -> guardBody.getLong(CAPACITY_OFFSET));
    }

    @Override
    public int size()
    {
        return locked(ChronicleMap::size);
    }

    @Override
    public boolean isEmpty()
    {
        return size() == 0;
    }

    @Override
    public boolean containsKey(final Object key)
    {
        final byte[] encoded = encode(key, "key");
        return locked(m -> m.containsKey(encoded));
    }

    @Override
    public boolean containsValue(final Object value)
    {
        final byte[] encoded = encode(value, "value");
        return locked(m ->
        {
            for (final byte[] candidate : m.values())
            {
                if (OrderedValues.sameValue(candidate, encoded))
                {
                    return true;
                }
            }
            return false;
        });
    }

    @Override
    public V get(final Object key)
    {
        final byte[] encoded = encode(key, "key");
        return OrderedValues.decode(locked(m -> m.get(encoded)));
    }

    @Override
    public V put(final K key, final V value)
    {
        final byte[] encodedKey = encode(key, "key");
        final byte[] stored = OrderedValues.stored(encode(value, "value"));
        return OrderedValues.decode(locked(m -> change(PUT, encodedKey, stored)));
    }

    @Override
    public V remove(final Object key)
    {
        final byte[] encoded = encode(key, "key");
        return OrderedValues.decode(locked(m -> change(REMOVE, encoded, null)));
    }

    @Override
    public void putAll(final Map<? extends K, ? extends V> entries)
    {
        entries.forEach(this::put);
    }

    @Override
    public void clear()
    {
        locked(m -> change(CLEAR, null, null));
    }

    @Override
    public V putIfAbsent(final K key, final V value)
    {
        final byte[] encodedKey = encode(key, "key");
        final byte[] stored = OrderedValues.stored(encode(value, "value"));
        return OrderedValues.decode(locked(m ->
        {
            final byte[] current = m.get(encodedKey);
            if (current == null)
            {
                change(PUT, encodedKey, stored);
            }
            return current;
        }));
    }

    @Override
    public boolean remove(final Object key, final Object value)
    {
        final byte[] encodedKey = encode(key, "key");
        return value != null && changeIfCurrent(encodedKey, encode(value, "value"), REMOVE, null);
    }

    @Override
    public boolean replace(final K key, final V oldValue, final V newValue)
    {
        return changeIfCurrent(
            encode(key, "key"), encode(oldValue, "value"), PUT, OrderedValues.stored(encode(newValue, "value")));
    }

    @Override
    public V replace(final K key, final V value)
    {
        final byte[] encodedKey = encode(key, "key");
        final byte[] stored = OrderedValues.stored(encode(value, "value"));
        return OrderedValues.decode(
            locked(m -> m.containsKey(encodedKey) ? change(PUT, encodedKey, stored) : null));
    }

    @Override
    public V compute(final K key, final BiFunction<? super K, ? super V, ? extends V> remapping)
    {
        Objects.requireNonNull(remapping, "remapping");
        return update(encode(key, "key"), current -> remapping.apply(key, current));
    }

    @Override
    public V computeIfAbsent(final K key, final Function<? super K, ? extends V> mapping)
    {
        Objects.requireNonNull(mapping, "mapping");
        return update(encode(key, "key"), current ->
        {
            if (current != null)
            {
                return UNCHANGED;
            }
            final V made = mapping.apply(key);
            return made == null ? UNCHANGED : made;
        });
    }

    @Override
    public V computeIfPresent(final K key, final BiFunction<? super K, ? super V, ? extends V> remapping)
    {
        Objects.requireNonNull(remapping, "remapping");
        return update(encode(key, "key"), current -> current == null ? UNCHANGED : remapping.apply(key, current));
    }

    @Override
    public V merge(final K key, final V value, final BiFunction<? super V, ? super V, ? extends V> remapping)
    {
        Objects.requireNonNull(remapping, "remapping");
        requireNonNull(value, "value");
        return update(encode(key, "key"), current -> current == null ? value : remapping.apply(current, value));
    }

    @Override
    public void replaceAll(final BiFunction<? super K, ? super V, ? extends V> function)
    {
        Objects.requireNonNull(function, "function");
        for (final Map.Entry<byte[], byte[]> entry : storedEntriesInOrder())
        {
            final byte[] encodedKey = entry.getKey();
            final K key = decode(encodedKey);
            update(encodedKey, current -> current == null ? UNCHANGED :
                Objects.requireNonNull(function.apply(key, current), "replaceAll's function returned null"));
        }
    }

    /** {@inheritDoc} A decoded copy of the keys at the time of the call, in insertion order. */
    @Override
    public Set<K> keySet()
    {
        final Set<K> decoded = new LinkedHashSet<>();
        for (final Map.Entry<byte[], byte[]> entry : storedEntriesInOrder())
        {
            decoded.add(decode(entry.getKey()));
        }
        return decoded;
    }

    /** {@inheritDoc} A decoded copy of the values at the time of the call, in their keys' insertion order. */
    @Override
    public Collection<V> values()
    {
        final List<Map.Entry<byte[], byte[]>> entries = storedEntriesInOrder();
        final List<V> decoded = new ArrayList<>(entries.size());
        for (final Map.Entry<byte[], byte[]> entry : entries)
        {
            decoded.add(OrderedValues.decode(entry.getValue()));
        }
        return decoded;
    }

    /** {@inheritDoc} A decoded copy of the entries at the time of the call, in insertion order. */
    @Override
    public Set<Map.Entry<K, V>> entrySet()
    {
        final Set<Map.Entry<K, V>> decoded = new LinkedHashSet<>();
        for (final Map.Entry<byte[], byte[]> entry : storedEntriesInOrder())
        {
            decoded.add(
                new AbstractMap.SimpleImmutableEntry<>(decode(entry.getKey()), OrderedValues.<V>decode(entry.getValue())));
        }
        return decoded;
    }

    /**
     * The entries as stored, copied under the lock and sorted by insertion order: Chronicle Map iterates
     * in hash order, so the order is each value's prefix.
     */
    private List<Map.Entry<byte[], byte[]>> storedEntriesInOrder()
    {
        final List<Map.Entry<byte[], byte[]>> entries = locked(m ->
        {
            final List<Map.Entry<byte[], byte[]>> copy = new ArrayList<>();
            for (final Map.Entry<byte[], byte[]> entry : m.entrySet())
            {
                copy.add(new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), entry.getValue()));
            }
            return copy;
        });
        entries.sort(Comparator.comparingLong(entry -> OrderedValues.orderOf(entry.getValue())));
        return entries;
    }

    /**
     * Closes this process's view of the dict, after calls in progress in this process end; the data
     * stays for the others. Idempotent.
     */
    @Override
    public void close()
    {
        inUse.writeLock().lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;
            map.close();
            guard.close();
        }
        finally
        {
            inUse.writeLock().unlock();
        }
    }

    /**
     * Closes this process's view and removes the dict's files; other processes' views fail afterwards.
     * {@code Manager.close()} does this for the dicts it made.
     */
    public void delete()
    {
        close();
        deleteQuietly(Path.of(file));
        deleteQuietly(Path.of(guardFile));
    }

    /**
     * The robust lock every call takes; for tests that watch who holds it.
     *
     * @return the lock.
     */
    SharedLock sharedLock()
    {
        return lock;
    }

    /**
     * The change in flight: what a process is doing to the map, or what a dead one left undone.
     *
     * @return the journaled change; its kind is {@link DictDescriptor#NONE} if there is none.
     */
    Change journaled()
    {
        final Change stored = journaledAsStored();
        return stored.kind() == PUT ? new Change(PUT, stored.key(), OrderedValues.encodedValue(stored.value())) : stored;
    }

    /** The change in flight as the map will store it: a put's value after its insertion order. */
    private Change journaledAsStored()
    {
        final long kind = guardBody.getLongVolatile(JOURNAL_OFFSET);
        if (kind == NONE)
        {
            return new Change(NONE, new byte[0], new byte[0]);
        }
        final byte[] key = new byte[guardBody.getInt(KEY_LENGTH_OFFSET)];
        final byte[] value = new byte[guardBody.getInt(VALUE_LENGTH_OFFSET)];
        guardBody.getBytes(PAYLOAD_OFFSET, key);
        guardBody.getBytes(PAYLOAD_OFFSET + key.length, value);
        return new Change(kind, key, value);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other == this || other instanceof Map<?, ?> && entrySet().equals(((Map<?, ?>)other).entrySet());
    }

    @Override
    public int hashCode()
    {
        return entrySet().hashCode();
    }

    /**
     * The entries in insertion order as any {@link Map} shows them, e.g. {@code {a=1, b=2}}, or the name
     * once closed in this process.
     *
     * @return a description.
     */
    @Override
    public String toString()
    {
        final Set<Map.Entry<K, V>> entries;
        try
        {
            entries = entrySet();
        }
        catch (final IllegalStateException ex)
        {
            return "SharedDict{name=" + name + ", closed}";
        }
        final StringJoiner text = new StringJoiner(", ", "{", "}");
        entries.forEach(entry -> text.add(entry.getKey() + "=" + entry.getValue()));
        return text.toString();
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException
    {
        in.defaultReadObject();
        ChronicleFlags.require(FEATURE);
        final Region region;
        try
        {
            region = Region.attach(Path.of(guardFile), RegionKind.DICT);
        }
        catch (final RegionMissingException ex)
        {
            throw new RegionMissingException("shared dict is gone (was its manager closed?): name=" + name +
                " file=" + guardFile);
        }
        try
        {
            attach(region);
        }
        catch (final RuntimeException ex)
        {
            region.close();
            throw ex;
        }
    }

    /**
     * Takes the lock; the taker of a dead process's lock repairs the map and completes its change. A repair
     * that failed (or whose process died) is flagged, so the next taker tries again instead of using a
     * map that may be broken.
     */
    private void lock()
    {
        inUse.readLock().lock();
        boolean locked = false;
        try
        {
            if (closed)
            {
                throw new IllegalStateException("shared dict is closed in this process: name=" + name);
            }
            lock.lock();
            locked = true;
            if (lock.previousOwnerDied() || guardBody.getIntVolatile(RECOVERING_OFFSET) != 0)
            {
                recover();
            }
        }
        catch (final RuntimeException | Error ex)
        {
            if (locked)
            {
                lock.unlock();
            }
            inUse.readLock().unlock();
            throw ex;
        }
    }

    private void unlock()
    {
        lock.unlock();
        inUse.readLock().unlock();
    }

    private <T> T locked(final Function<ChronicleMap<byte[], byte[]>, T> call)
    {
        lock();
        try
        {
            return call.apply(map);
        }
        finally
        {
            unlock();
        }
    }

    /**
     * Sets a key's entry to what a function of its value gives: the function runs outside the lock, and
     * its result is stored only if the entry is still the one it was given, else it runs again.
     *
     * @param key   the encoded key.
     * @param remap from the current value (null if absent) to the new one: null removes the entry,
     *              {@link #UNCHANGED} leaves it as it is.
     * @return the new value, or the current one if unchanged.
     */
    @SuppressWarnings("unchecked")
    private V update(final byte[] key, final Function<V, Object> remap)
    {
        while (true)
        {
            final byte[] current = locked(m -> m.get(key));
            final V currentValue = OrderedValues.decode(current);
            final Object next = remap.apply(currentValue);
            if (next == UNCHANGED)
            {
                return currentValue;
            }
            final byte[] encodedNext = next == null ? null : OrderedValues.stored(encode(next, "value"));
            final boolean stored = locked(m ->
            {
                final byte[] now = m.get(key);
                if (!Arrays.equals(now, current))
                {
                    return false;
                }
                if (encodedNext != null)
                {
                    change(PUT, key, encodedNext);
                }
                else if (now != null)
                {
                    change(REMOVE, key, null);
                }
                return true;
            });
            if (stored)
            {
                return (V)next;
            }
        }
    }

    /** Makes a change if the key's value is the expected one (decided and made under the lock). */
    private boolean changeIfCurrent(final byte[] key, final byte[] expected, final long kind, final byte[] value)
    {
        return locked(m ->
        {
            final byte[] current = m.get(key);
            if (current != null && OrderedValues.sameValue(current, expected))
            {
                change(kind, key, value);
                return true;
            }
            return false;
        });
    }

    /**
     * Makes one unconditional change, journaled; call holding the lock. A change the map refused (full,
     * too large) is over; one that failed any other way (an {@code Error} mid-write, say) may have left
     * the map half-changed, so its journal stays and the next taker of the lock repairs the map and
     * redoes it, as for a dead process.
     *
     * @return the value the key had, for {@code PUT} and {@code REMOVE}.
     */
    private byte[] change(final long kind, final byte[] key, final byte[] value)
    {
        if (kind != PUT)
        {
            return journaledChange(kind, key, value);
        }
        // A new key goes last; a key that had a value keeps its place, as in a Python dict. Chronicle's
        // put says whether there was one, so a new key (the common put) costs one map call, a changed one two.
        if (guardBody.getLong(SIZE_OFFSET) >= guardBody.getLong(CAPACITY_OFFSET) && !map.containsKey(key))
        {
            throw full(null);
        }
        final long order = guardBody.getLong(NEXT_ORDER_OFFSET);
        guardBody.putLong(NEXT_ORDER_OFFSET, order + 1);
        OrderedValues.setOrder(value, order);
        final byte[] previous = journaledChange(PUT, key, value);
        if (previous != null && previous.length >= OrderedValues.ORDER_LENGTH)
        {
            OrderedValues.setOrder(value, OrderedValues.orderOf(previous));
            journaledChange(PUT, key, value);
        }
        return previous;
    }

    private byte[] journaledChange(final long kind, final byte[] key, final byte[] value)
    {
        journal(kind, key, value);
        final byte[] previous;
        try
        {
            previous = apply(kind, key, value);
        }
        catch (final Mp4jException refused)
        {
            guardBody.putLongOrdered(JOURNAL_OFFSET, NONE);
            throw refused;
        }
        catch (final RuntimeException | Error ex)
        {
            guardBody.putIntVolatile(RECOVERING_OFFSET, 1);
            throw ex;
        }
        countChange(kind, previous);
        guardBody.putLongOrdered(JOURNAL_OFFSET, NONE);
        return previous;
    }

    /** Keeps the size word with a change the map has made; call holding the lock. */
    private void countChange(final long kind, final byte[] previous)
    {
        if (kind == CLEAR)
        {
            guardBody.putLong(SIZE_OFFSET, 0);
        }
        else if (previous == null && kind == PUT)
        {
            guardBody.putLong(SIZE_OFFSET, guardBody.getLong(SIZE_OFFSET) + 1);
        }
        else if (previous != null && kind == REMOVE)
        {
            guardBody.putLong(SIZE_OFFSET, guardBody.getLong(SIZE_OFFSET) - 1);
        }
    }

    /**
     * The exception of a dict that is full, lowering its capacity to its size if the map ran out of room
     * first, so that no process adds a key from now on; call holding the lock.
     */
    private Mp4jException full(final Exception mapRefused)
    {
        final long size = guardBody.getLong(SIZE_OFFSET);
        if (mapRefused != null && size < guardBody.getLong(CAPACITY_OFFSET))
        {
            guardBody.putLongVolatile(CAPACITY_OFFSET, size);
        }
        return new Mp4jException("shared dict is full: name=" + name + " size=" + size + " capacity=" +
            guardBody.getLong(CAPACITY_OFFSET) + " expectedEntries=" + expectedEntries + " (sized for keys of ~" +
            AVERAGE_KEY_BYTES + " and values of ~" + AVERAGE_VALUE_BYTES +
            " serialized bytes; create it with a larger expected size)", mapRefused);
    }

    private void journal(final long kind, final byte[] key, final byte[] value)
    {
        final int keyLength = key == null ? 0 : key.length;
        final int valueLength = value == null ? 0 : value.length;
        if ((long)keyLength + valueLength > PAYLOAD_CAPACITY)
        {
            throw new Mp4jException("shared dict entry is too large: name=" + name + " keyBytes=" + keyLength +
                " valueBytes=" + valueLength + " max=" + PAYLOAD_CAPACITY + " (key and value, serialized)");
        }
        if (key != null)
        {
            guardBody.putBytes(PAYLOAD_OFFSET, key);
        }
        if (value != null)
        {
            guardBody.putBytes(PAYLOAD_OFFSET + keyLength, value);
        }
        guardBody.putInt(KEY_LENGTH_OFFSET, keyLength);
        guardBody.putInt(VALUE_LENGTH_OFFSET, valueLength);
        guardBody.putInt(REDO_ATTEMPTS_OFFSET, 0);
        guardBody.putLongOrdered(JOURNAL_OFFSET, kind);
    }

    private byte[] apply(final long kind, final byte[] key, final byte[] value)
    {
        try
        {
            if (kind == PUT)
            {
                return map.put(key, value);
            }
            if (kind == REMOVE)
            {
                return map.remove(key);
            }
            map.clear();
            return null;
        }
        catch (final ClosedIllegalStateException ex)
        {
            throw new IllegalStateException("shared dict is closed in this process: name=" + name, ex);
        }
        catch (final IllegalStateException ex)
        {
            if (ex.getMessage() == null || !ex.getMessage().contains(TIERS_EXHAUSTED))
            {
                throw ex;
            }
            throw full(ex);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Mp4jException("shared dict entry is too large for this dict: name=" + name +
                " expectedEntries=" + expectedEntries + " (a dict made for more entries takes larger ones): " +
                ex.getMessage(), ex);
        }
    }

    /**
     * Repairs the map after its lock's owner died, and completes the dead owner's journaled change. A
     * change whose redo keeps failing (other than by the map refusing it) is dropped after
     * {@link DictDescriptor#MAX_REDO_ATTEMPTS} tries, rather than fail every call of every process.
     */
    private void recover()
    {
        guardBody.putIntVolatile(RECOVERING_OFFSET, 1);
        ChronicleMapRecovery.recover(map);
        final Change undone = journaledAsStored();
        if (undone.kind() != NONE)
        {
            final int attempt = guardBody.getInt(REDO_ATTEMPTS_OFFSET) + 1;
            guardBody.putIntVolatile(REDO_ATTEMPTS_OFFSET, attempt);
            try
            {
                if (attempt <= MAX_REDO_ATTEMPTS)
                {
                    apply(undone.kind(), undone.key(), undone.value());
                }
            }
            catch (final Mp4jException ex)
            {
                // The dead process's change could not be made (the dict was full): it fails as it would have.
            }
            guardBody.putLongOrdered(JOURNAL_OFFSET, NONE);
        }
        guardBody.putLong(SIZE_OFFSET, map.longSize());
        guardBody.putIntOrdered(RECOVERING_OFFSET, 0);
    }

    /**
     * A journaled change: its kind ({@link DictDescriptor#PUT}, {@link DictDescriptor#REMOVE},
     * {@link DictDescriptor#CLEAR} or {@link DictDescriptor#NONE}) and its serialized key and value.
     *
     * @param kind  what the change does.
     * @param key   the key's bytes, empty for a clear.
     * @param value the value's bytes, empty unless it is a put.
     */
    record Change(long kind, byte[] key, byte[] value)
    {
    }

    private static void requireNonNull(final Object value, final String what)
    {
        if (value == null)
        {
            throw new NullPointerException("shared dict " + what + "s cannot be null (as in ConcurrentHashMap)");
        }
    }

    private static byte[] encode(final Object value, final String what)
    {
        requireNonNull(value, what);
        try
        {
            return Codec.encode(value);
        }
        catch (final EncodingException ex)
        {
            throw new EncodingException("dict " + what + " cannot cross processes: " + ex.getMessage(), ex);
        }
    }

    /** Decodes a key. */
    @SuppressWarnings("unchecked")
    private static <T> T decode(final byte[] bytes)
    {
        return bytes == null ? null : (T)Codec.decode(bytes);
    }

    private static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            // The session's removal deletes what is left.
        }
    }
}
