package io.mp4j.manager.dict;

import io.mp4j.manager.Manager;

/** A manager's dicts as the {@link SharedDict}s they are, for tests that look inside them. */
final class Dicts
{
    private Dicts()
    {
    }

    static <K, V> SharedDict<K, V> of(final Manager manager)
    {
        return (SharedDict<K, V>)manager.<K, V>dict();
    }

    static <K, V> SharedDict<K, V> of(final Manager manager, final long expectedEntries)
    {
        return (SharedDict<K, V>)manager.<K, V>dict(expectedEntries);
    }
}
