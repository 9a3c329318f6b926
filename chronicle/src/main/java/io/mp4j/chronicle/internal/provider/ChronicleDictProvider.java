package io.mp4j.chronicle.internal.provider;

import io.mp4j.manager.dict.SharedDict;
import io.mp4j.manager.internal.DictProvider;
import io.mp4j.session.Session;

/** Makes the manager's dicts on Chronicle Map; found by the manager through {@link java.util.ServiceLoader}. */
public final class ChronicleDictProvider implements DictProvider
{
    /** For {@link java.util.ServiceLoader}. */
    public ChronicleDictProvider()
    {
    }

    @Override
    public <K, V> Dict<K, V> create(final Session session, final String name, final long expectedEntries)
    {
        final SharedDict<K, V> dict = SharedDict.create(session, name, expectedEntries);
        return new Dict<>(dict, dict::delete);
    }
}
