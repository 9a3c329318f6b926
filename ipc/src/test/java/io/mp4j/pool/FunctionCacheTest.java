package io.mp4j.pool;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FunctionCacheTest
{
    static final class Named implements PoolFunction<Integer, Integer>
    {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer apply(final Integer item)
        {
            return item;
        }
    }

    @Test
    void shouldSerializeLambdaThatCapturesNothingOnce()
    {
        final FunctionCache cache = new FunctionCache();
        final PoolFunction<Integer, Integer> increment = x -> x + 1;

        final byte[] first = cache.serialize(increment, increment);

        assertTrue(cache.isReusable(increment));
        assertSame(first, cache.serialize(increment, increment));
    }

    @Test
    void shouldSerializeCapturingLambdaAndOtherClassesAtEachCall()
    {
        final FunctionCache cache = new FunctionCache();
        final AtomicInteger state = new AtomicInteger(1);
        final PoolFunction<Integer, Integer> capturing = x -> x + state.get();
        final Named named = new Named();

        final byte[] before = cache.serialize(capturing, capturing);
        state.set(2);
        final byte[] after = cache.serialize(capturing, capturing);

        assertFalse(cache.isReusable(capturing));
        assertFalse(cache.isReusable(named));
        assertNotSame(before, after);
        assertFalse(java.util.Arrays.equals(before, after));
        assertNotSame(cache.serialize(named, named), cache.serialize(named, named));
        assertArrayEquals(cache.serialize(named, named), cache.serialize(named, named));
    }
}
