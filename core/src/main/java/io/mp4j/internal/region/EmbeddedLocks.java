package io.mp4j.internal.region;

import io.mp4j.WaitStrategy;

import java.util.concurrent.locks.Lock;

/**
 * Lock handles over a lock embedded in another shared object's region (the lock of a locked value, of
 * a manager's list or dict). The public lock classes make them and install the maker here when they
 * load, so that building one needs no public method that takes a {@link Region}.
 */
public final class EmbeddedLocks
{
    /** The class whose loading installs the maker. */
    private static final String LOCK_CLASS = "io.mp4j.sync.SharedLock";

    private static volatile Maker maker;

    /**
     * Makes the handles; implemented by the public lock package.
     */
    public interface Maker
    {
        /**
         * A non-reentrant lock handle ({@code SharedLock}).
         *
         * @param region       the region that holds the lock.
         * @param offset       where its mutex layout starts in the region's body.
         * @param waitStrategy how its waiters wait.
         * @return the handle.
         */
        Lock lock(Region region, int offset, WaitStrategy waitStrategy);

        /**
         * A reentrant lock handle ({@code SharedRLock}).
         *
         * @param region       the region that holds the lock.
         * @param offset       where its mutex layout starts in the region's body.
         * @param waitStrategy how its waiters wait.
         * @return the handle.
         */
        Lock reentrantLock(Region region, int offset, WaitStrategy waitStrategy);
    }

    private EmbeddedLocks()
    {
    }

    /**
     * Installs the maker; called once, by the public lock package as it loads.
     *
     * @param installed the maker.
     */
    public static void install(final Maker installed)
    {
        maker = installed;
    }

    /**
     * A {@code SharedLock} over memory laid out as a mutex and zeroed when its region was created.
     *
     * @param region       the region that holds it.
     * @param offset       where its mutex layout starts in the region's body.
     * @param waitStrategy how its waiters wait.
     * @return the handle; cast it to {@code SharedLock}.
     */
    public static Lock lock(final Region region, final int offset, final WaitStrategy waitStrategy)
    {
        return maker().lock(region, offset, waitStrategy);
    }

    /**
     * A {@code SharedRLock} over memory laid out as a mutex and zeroed when its region was created.
     *
     * @param region       the region that holds it.
     * @param offset       where its mutex layout starts in the region's body.
     * @param waitStrategy how its waiters wait.
     * @return the handle; cast it to {@code SharedRLock}.
     */
    public static Lock reentrantLock(final Region region, final int offset, final WaitStrategy waitStrategy)
    {
        return maker().reentrantLock(region, offset, waitStrategy);
    }

    private static Maker maker()
    {
        Maker installed = maker;
        if (installed == null)
        {
            try
            {
                Class.forName(LOCK_CLASS, true, EmbeddedLocks.class.getClassLoader());
            }
            catch (final ClassNotFoundException ex)
            {
                throw new IllegalStateException("mp4j's lock classes are missing: class=" + LOCK_CLASS, ex);
            }
            installed = maker;
        }
        return installed;
    }
}
