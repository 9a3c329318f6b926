package io.mp4j.cluster.internal;

import org.apache.ignite.IgniteCache;

import javax.cache.Cache;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link ConcurrentMap} over an Ignite cache: each call is one atomic cache operation (the JCache
 * {@code getAndPut}, {@code getAndPutIfAbsent}, {@code replace} … the map's contract asks for). Iteration walks the
 * cache's entries as they are while it runs, as a {@link java.util.concurrent.ConcurrentHashMap}'s does.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public final class CacheMap<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V>
{
    private final IgniteCache<K, V> cache;

    /**
     * A map over a cache.
     *
     * @param cache the cache.
     */
    public CacheMap(final IgniteCache<K, V> cache)
    {
        this.cache = cache;
    }

    @Override
    public int size()
    {
        return cache.size();
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean containsKey(final Object key)
    {
        return cache.containsKey((K)key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(final Object key)
    {
        return cache.get((K)key);
    }

    @Override
    public V put(final K key, final V value)
    {
        return cache.getAndPut(key, value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(final Object key)
    {
        return cache.getAndRemove((K)key);
    }

    @Override
    public void putAll(final Map<? extends K, ? extends V> entries)
    {
        cache.putAll(entries);
    }

    @Override
    public void clear()
    {
        cache.clear();
    }

    @Override
    public V putIfAbsent(final K key, final V value)
    {
        return cache.getAndPutIfAbsent(key, value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(final Object key, final Object value)
    {
        return cache.remove((K)key, (V)value);
    }

    @Override
    public boolean replace(final K key, final V oldValue, final V newValue)
    {
        return cache.replace(key, oldValue, newValue);
    }

    @Override
    public V replace(final K key, final V value)
    {
        return cache.getAndReplace(key, value);
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet()
    {
        return new AbstractSet<>()
        {
            @Override
            public Iterator<Map.Entry<K, V>> iterator()
            {
                final Iterator<Cache.Entry<K, V>> entries = cache.iterator();
                return new Iterator<>()
                {
                    private K last;

                    @Override
                    public boolean hasNext()
                    {
                        return entries.hasNext();
                    }

                    @Override
                    public Map.Entry<K, V> next()
                    {
                        final Cache.Entry<K, V> entry = entries.next();
                        last = entry.getKey();
                        return new SimpleImmutableEntry<>(entry.getKey(), entry.getValue());
                    }

                    @Override
                    public void remove()
                    {
                        cache.remove(last);
                    }
                };
            }

            @Override
            public int size()
            {
                return cache.size();
            }
        };
    }
}
