package io.mp4j.worker.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeptFunctionsTest
{
    @Test
    void shouldKeepUpToItsCapacityThenDropTheOldestFirst()
    {
        final KeptFunctions<String> kept = new KeptFunctions<>();
        for (int id = 1; id <= KeptFunctions.CAPACITY; id++)
        {
            kept.keep(id, "f" + id);
        }
        assertEquals("f1", kept.get(1));
        assertEquals("f" + KeptFunctions.CAPACITY, kept.get(KeptFunctions.CAPACITY));

        kept.keep(100, "f100");
        kept.keep(101, "f101");

        assertFalse(kept.contains(1), "the oldest goes first");
        assertFalse(kept.contains(2));
        assertTrue(kept.contains(3));
        assertEquals("f101", kept.get(101));
        assertNull(kept.get(2));
    }

    @Test
    void shouldAgreeWithAnotherTableGivenTheSameIdsInTheSameOrder()
    {
        // The pool's copy holds ids alone; the worker's holds functions: same ids, same answers.
        final KeptFunctions<Void> pool = new KeptFunctions<>();
        final KeptFunctions<String> worker = new KeptFunctions<>();
        for (int i = 0; i < 3 * KeptFunctions.CAPACITY; i++)
        {
            final int id = 1 + (i * 7) % (KeptFunctions.CAPACITY + 11);
            if (!pool.contains(id))
            {
                pool.keep(id, null);
                worker.keep(id, "f" + id);
            }
            assertEquals("f" + id, worker.get(id), "a function the pool thinks kept is kept: id=" + id);
        }
        for (int id = 1; id <= KeptFunctions.CAPACITY + 11; id++)
        {
            assertEquals(pool.contains(id), worker.contains(id), "id=" + id);
        }
    }

    @Test
    void shouldForgetEverythingWhenCleared()
    {
        final KeptFunctions<String> kept = new KeptFunctions<>();
        kept.keep(5, "f5");
        kept.clear();
        assertFalse(kept.contains(5));
        kept.keep(6, "f6");
        assertEquals("f6", kept.get(6));
    }
}
