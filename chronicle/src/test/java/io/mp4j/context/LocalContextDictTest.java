package io.mp4j.context;

import io.mp4j.process.ChildProcess;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The local context's dict, a Chronicle Map, met by name in two child JVMs writing at once. */
@ExtendWith(NoLeaksExtension.class)
class LocalContextDictTest
{
    private static final int KEYS = 20_000;

    @Test
    void shouldKeepEveryPutOfTwoJvmsThatMeetTheDictByName()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            try (MultiprocessingContext context = MultiprocessingContext.local())
            {
                final ConcurrentMap<String, Integer> dict = context.dict("scores");
                assertSame(dict, context.dict("scores"));
                final ChildProcess first = new ChildProcess(LocalContextDictTest::put, context, "a").start();
                final ChildProcess second = new ChildProcess(LocalContextDictTest::put, context, "b").start();
                first.join(Duration.ofSeconds(90));
                second.join(Duration.ofSeconds(90));

                assertEquals(0, first.exitCode().orElseThrow(), () -> first.failure().map(Throwable::toString).orElse(""));
                assertEquals(0, second.exitCode().orElseThrow(), () -> second.failure().map(Throwable::toString).orElse(""));
                assertEquals(2 * KEYS, dict.size());
                for (int i = 0; i < KEYS; i += 97)
                {
                    assertEquals(i, dict.get("a-" + i));
                    assertEquals(i, dict.get("b-" + i));
                }
            }
        });
    }

    private static void put(final MultiprocessingContext context, final String prefix)
    {
        final ConcurrentMap<String, Integer> dict = context.dict("scores");
        for (int i = 0; i < KEYS; i++)
        {
            dict.put(prefix + '-' + i, i);
        }
        context.close();
    }
}
