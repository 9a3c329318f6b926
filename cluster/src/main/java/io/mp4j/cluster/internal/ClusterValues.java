package io.mp4j.cluster.internal;

import io.mp4j.shared.DoubleValue;
import io.mp4j.shared.LongValue;
import org.apache.ignite.IgniteAtomicLong;

/** The context's values on Ignite atomics: a {@code long} as it is, a {@code double} as its raw bits. */
public final class ClusterValues
{
    private ClusterValues()
    {
    }

    /**
     * A {@link LongValue} over an Ignite atomic long.
     *
     * @param atomic the atomic.
     * @return the value.
     */
    public static LongValue longValue(final IgniteAtomicLong atomic)
    {
        return new LongValue()
        {
            @Override
            public long get()
            {
                return atomic.get();
            }

            @Override
            public void set(final long value)
            {
                atomic.getAndSet(value);
            }

            @Override
            public long getAndSet(final long value)
            {
                return atomic.getAndSet(value);
            }

            @Override
            public boolean compareAndSet(final long expected, final long update)
            {
                return atomic.compareAndSet(expected, update);
            }

            @Override
            public long getAndAdd(final long delta)
            {
                return atomic.getAndAdd(delta);
            }

            @Override
            public long addAndGet(final long delta)
            {
                return atomic.addAndGet(delta);
            }

            @Override
            public long incrementAndGet()
            {
                return atomic.incrementAndGet();
            }

            @Override
            public long decrementAndGet()
            {
                return atomic.decrementAndGet();
            }

            @Override
            public String toString()
            {
                return "LongValue{name=" + atomic.name() + ", value=" + atomic.get() + '}';
            }
        };
    }

    /**
     * A {@link DoubleValue} over an Ignite atomic long holding the value's raw bits; additions are CAS loops.
     *
     * @param bits the atomic.
     * @return the value.
     */
    public static DoubleValue doubleValue(final IgniteAtomicLong bits)
    {
        return new DoubleValue()
        {
            @Override
            public double get()
            {
                return Double.longBitsToDouble(bits.get());
            }

            @Override
            public void set(final double value)
            {
                bits.getAndSet(Double.doubleToRawLongBits(value));
            }

            @Override
            public double getAndSet(final double value)
            {
                return Double.longBitsToDouble(bits.getAndSet(Double.doubleToRawLongBits(value)));
            }

            @Override
            public boolean compareAndSet(final double expected, final double update)
            {
                return bits.compareAndSet(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(update));
            }

            @Override
            public double getAndAdd(final double delta)
            {
                while (true)
                {
                    final long current = bits.get();
                    final double value = Double.longBitsToDouble(current);
                    if (bits.compareAndSet(current, Double.doubleToRawLongBits(value + delta)))
                    {
                        return value;
                    }
                }
            }

            @Override
            public double addAndGet(final double delta)
            {
                return getAndAdd(delta) + delta;
            }

            @Override
            public String toString()
            {
                return "DoubleValue{name=" + bits.name() + ", value=" + get() + '}';
            }
        };
    }
}
