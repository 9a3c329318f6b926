package io.mp4j.process.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a child's output is copied a line at a time. */
class OutputLinesTest
{
    private final List<String> writes = new ArrayList<>();
    private final PrintStream to = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)
    {
        @Override
        public void write(final byte[] bytes, final int offset, final int length)
        {
            writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }
    };

    @Test
    void shouldWriteEachWholeLineOnceAndEndTheLastLine()
    {
        final OutputLines lines = new OutputLines(() -> to);
        lines.copy(bytes("one\ntw"), 0, 6);
        lines.copy(bytes("o\nthree"), 0, 7);
        assertEquals(List.of("one\n", "two\n"), writes);

        lines.finish();
        assertEquals(List.of("one\n", "two\n", "three\n"), writes);
    }

    @Test
    void shouldWriteLineWithoutEndInPiecesRatherThanHoldItAll()
    {
        final byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte)'#');
        final int chunks = 3 * OutputLines.MAX_LINE_BYTES / chunk.length;
        final byte[] all = new byte[chunks * chunk.length];
        Arrays.fill(all, (byte)'#');

        new OutputLines(() -> to).copyAll(new ByteArrayInputStream(all));

        assertTrue(writes.size() >= 3, "written as it came: " + writes.size() + " writes");
        assertTrue(writes.stream().allMatch(piece -> piece.length() <= OutputLines.MAX_LINE_BYTES + chunk.length));
        assertEquals(new String(all, StandardCharsets.UTF_8) + '\n', String.join("", writes));
    }

    @Test
    void shouldHandEachLineWithoutItsEndToAHandlerAndKeepTheHead()
    {
        final List<String> handled = new ArrayList<>();
        final OutputLines lines = new OutputLines(line ->
        {
            if (line.equals("boom"))
            {
                throw new IllegalStateException("a handler that fails loses its line only");
            }
            handled.add(line);
        });
        final byte[] text = bytes("one\r\nboom\n\nlast");
        lines.copy(text, 0, text.length);
        lines.finish();

        assertEquals(List.of("one", "", "last"), handled);
        assertEquals("one\r\nboom\n\nlast", lines.head());
    }

    @Test
    void shouldKeepOnlyTheFirstBytesAsTheHead()
    {
        final OutputLines lines = new OutputLines(() -> to);
        final byte[] all = new byte[3 * OutputLines.HEAD_BYTES];
        Arrays.fill(all, (byte)'x');
        all[0] = 'E';
        lines.copyAll(new ByteArrayInputStream(all));

        assertEquals(OutputLines.HEAD_BYTES, lines.head().length());
        assertTrue(lines.head().startsWith("Ex"));
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
