package io.mp4j.ipc;

import io.mp4j.core.JavaSerialization;
import io.mp4j.core.Mp4jException;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

/**
 * A dict shared by processes: Python's {@code Manager().dict()}, without the manager's server process.
 * It is a {@link ConcurrentMap} backed by a Chronicle Map in a file of the session that every process
 * maps directly, so an operation costs a hash lookup in shared memory, not a round trip to a server.
 * It is {@link Serializable}: a child that receives it opens the same map.
 * <p>
 * Keys and values cross processes as serialized bytes: strings, boxed primitives and {@code byte[]}
 * work as keys (equal keys must serialize to equal bytes, which holds for these); any
 * {@code Serializable} works as a value. A dict is sized for an expected number of entries and grows
 * to four times that; past it, a put fails with an exception that says so.
 * <p>
 * Opening the map costs a JVM seconds the first time (Chronicle Map compiles code at run time); the
 * first dict in each JVM pays it. Any thread may use a dict.
 */
public final class SharedDict<K, V> implements ConcurrentMap<K, V>, AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** How far past its expected size a dict may grow before puts fail. */
    public static final int MAX_GROWTH = 4;

    private final String name;
    private final String file;
    private final long expectedEntries;
    private transient ChronicleMap<byte[], byte[]> map;

    private SharedDict(final String name, final Path file, final long expectedEntries)
    {
        this.name = name;
        this.file = file.toString();
        this.expectedEntries = expectedEntries;
        this.map = open();
    }

    static <K, V> SharedDict<K, V> create(final String name, final Path file, final long expectedEntries)
    {
        if (expectedEntries < 1)
        {
            throw new IllegalArgumentException("a dict expects at least one entry: name=" + name +
                " expectedEntries=" + expectedEntries);
        }
        return new SharedDict<>(name, file, expectedEntries);
    }

    private ChronicleMap<byte[], byte[]> open()
    {
        ChronicleDefaults.apply();
        try
        {
            return ChronicleMap.of(byte[].class, byte[].class)
                .name(name)
                .entries(expectedEntries)
                .averageKeySize(32)
                .averageValueSize(64)
                .maxBloatFactor(MAX_GROWTH)
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

    @Override
    public int size()
    {
        return map.size();
    }

    @Override
    public boolean isEmpty()
    {
        return map.isEmpty();
    }

    @Override
    public boolean containsKey(final Object key)
    {
        return map.containsKey(encode(key, "key"));
    }

    @Override
    public boolean containsValue(final Object value)
    {
        final byte[] encoded = encode(value, "value");
        for (final byte[] candidate : map.values())
        {
            if (Arrays.equals(candidate, encoded))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public V get(final Object key)
    {
        return decode(map.get(encode(key, "key")));
    }

    @Override
    public V put(final K key, final V value)
    {
        return decode(full(() -> map.put(encode(key, "key"), encode(value, "value"))));
    }

    @Override
    public V remove(final Object key)
    {
        return decode(map.remove(encode(key, "key")));
    }

    @Override
    public void putAll(final Map<? extends K, ? extends V> entries)
    {
        entries.forEach(this::put);
    }

    @Override
    public void clear()
    {
        map.clear();
    }

    @Override
    public V putIfAbsent(final K key, final V value)
    {
        return decode(full(() -> map.putIfAbsent(encode(key, "key"), encode(value, "value"))));
    }

    @Override
    public boolean remove(final Object key, final Object value)
    {
        return map.remove(encode(key, "key"), encode(value, "value"));
    }

    @Override
    public boolean replace(final K key, final V oldValue, final V newValue)
    {
        return map.replace(encode(key, "key"), encode(oldValue, "value"), encode(newValue, "value"));
    }

    @Override
    public V replace(final K key, final V value)
    {
        return decode(map.replace(encode(key, "key"), encode(value, "value")));
    }

    /** {@inheritDoc} A view that decodes entries as it iterates; not a snapshot. */
    @Override
    public Set<K> keySet()
    {
        return new AbstractSet<>()
        {
            @Override
            public Iterator<K> iterator()
            {
                final Iterator<byte[]> keys = map.keySet().iterator();
                return new Iterator<>()
                {
                    @Override
                    public boolean hasNext()
                    {
                        return keys.hasNext();
                    }

                    @Override
                    public K next()
                    {
                        return SharedDict.this.decode(keys.next());
                    }
                };
            }

            @Override
            public int size()
            {
                return map.size();
            }
        };
    }

    /** {@inheritDoc} A decoded copy of the values at the time of the call. */
    @Override
    public java.util.Collection<V> values()
    {
        final java.util.List<V> values = new java.util.ArrayList<>();
        for (final byte[] value : map.values())
        {
            values.add(decode(value));
        }
        return values;
    }

    /** {@inheritDoc} A decoded copy of the entries at the time of the call. */
    @Override
    public Set<Map.Entry<K, V>> entrySet()
    {
        final Set<Map.Entry<K, V>> entries = new java.util.LinkedHashSet<>();
        for (final Map.Entry<byte[], byte[]> entry : map.entrySet())
        {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(decode(entry.getKey()), decode(entry.getValue())));
        }
        return entries;
    }

    /** Closes this process's view of the dict; the data stays for the others. Idempotent. */
    @Override
    public void close()
    {
        if (map.isOpen())
        {
            map.close();
        }
    }

    void delete()
    {
        close();
        try
        {
            Files.deleteIfExists(Path.of(file));
        }
        catch (final IOException ex)
        {
            // The session's removal deletes what is left.
        }
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Map<?, ?> && entrySet().equals(((Map<?, ?>)other).entrySet());
    }

    @Override
    public int hashCode()
    {
        return entrySet().hashCode();
    }

    @Override
    public String toString()
    {
        return "SharedDict{name=" + name + ", size=" + (map.isOpen() ? Integer.toString(map.size()) : "closed") + '}';
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException
    {
        in.defaultReadObject();
        map = open();
    }

    private byte[] full(final java.util.function.Supplier<byte[]> put)
    {
        try
        {
            return put.get();
        }
        catch (final IllegalStateException ex)
        {
            throw new Mp4jException("shared dict is full: name=" + name + " expectedEntries=" + expectedEntries +
                " maxEntries~=" + expectedEntries * MAX_GROWTH + " (create it with a larger expected size)", ex);
        }
    }

    private byte[] encode(final Object value, final String what)
    {
        return JavaSerialization.serialize(value, "dict " + what);
    }

    @SuppressWarnings("unchecked")
    private <T> T decode(final byte[] bytes)
    {
        return bytes == null ? null : (T)JavaSerialization.deserialize(bytes, "dict entry");
    }
}
