package io.mp4j.modulepath;

import io.mp4j.shared.SharedLong;

/**
 * Run by {@link ModulePathTest} beside mp4j-core on the module path: makes a shared value, which maps a region
 * and touches it through Agrona, and prints what it read back.
 */
public final class ModulePathMain
{
    private ModulePathMain()
    {
    }

    /**
     * Makes, changes and reads a shared value.
     *
     * @param args none.
     */
    public static void main(final String[] args)
    {
        try (SharedLong value = SharedLong.create(1))
        {
            System.out.println("read " + value.compareAndExchange(1, 5) + " then " + value.get() + " in " +
                SharedLong.class.getModule().getName());
        }
    }
}
