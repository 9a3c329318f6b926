package io.mp4j.internal;

import io.mp4j.Mp4jException;

import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * Finds the implementation of a feature that lives in an optional mp4j artifact (the Chronicle-backed
 * ones, say) through {@link ServiceLoader}, and names the artifact to add when it is not on the classpath.
 */
public final class Providers
{
    private Providers()
    {
    }

    /**
     * The first provider of a service interface.
     *
     * @param service  the service interface.
     * @param feature  what the caller asked for, e.g. {@code Manager.dict()}.
     * @param artifact the artifact that provides it, e.g. {@code io.mp4j:mp4j-chronicle}.
     * @param <T>      the service type.
     * @return the provider.
     * @throws Mp4jException if no provider is on the classpath.
     */
    public static <T> T load(final Class<T> service, final String feature, final String artifact)
    {
        // A named module may load only the services it declares it uses; the service types live in the
        // modules above this one, so this module declares its use as it loads (a no-op on the classpath).
        Providers.class.getModule().addUses(service);
        final Iterator<T> providers = ServiceLoader.load(service, loaderOf(service)).iterator();
        if (!providers.hasNext())
        {
            throw new Mp4jException(feature + " needs the artifact " + artifact +
                " on the classpath (with its JVM flags): service=" + service.getName());
        }
        return providers.next();
    }

    private static ClassLoader loaderOf(final Class<?> service)
    {
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : service.getClassLoader();
    }
}
