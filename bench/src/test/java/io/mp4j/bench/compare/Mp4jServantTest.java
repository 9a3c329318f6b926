package io.mp4j.bench.compare;

import io.mp4j.session.Session;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm mp4j child the comparison's rows use: it answers with its handler, reports a handler's failure
 * with the child's stack trace (so that a broken row fails instead of measuring), goes on after it, and
 * leaves no process behind when closed.
 */
class Mp4jServantTest
{
    @Test
    void shouldAnswerReportAFailureAndGoOnThenStopWhenClosed()
    {
        try (Session session = Session.create())
        {
            final List<ProcessHandle> before = children();
            try (Mp4jServant servant = Mp4jServant.start(session, "test", request ->
            {
                if ((Integer)request < 0)
                {
                    throw new IllegalArgumentException("negative request: " + request);
                }
                return (Integer)request * 2;
            }))
            {
                assertEquals(42, servant.call(21));

                final IllegalStateException failure = assertThrows(IllegalStateException.class, () -> servant.call(-1));
                assertTrue(failure.getMessage().contains("IllegalArgumentException: negative request: -1"),
                    failure.getMessage());

                assertEquals(4, servant.call(2));
            }
            assertEquals(before, children());
        }
    }

    private static List<ProcessHandle> children()
    {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).collect(Collectors.toList());
    }
}
