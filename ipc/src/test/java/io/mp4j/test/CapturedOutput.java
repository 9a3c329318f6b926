package io.mp4j.test;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures this JVM's {@code System.out} and {@code System.err} for each test, where the children's
 * copied output lands; what was captured of standard error is printed to the real one afterwards.
 * Register it on an instance field with {@code @RegisterExtension}.
 */
public final class CapturedOutput implements BeforeEachCallback, AfterEachCallback
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        System.setOut(originalOut);
        System.setErr(originalErr);
        originalErr.print(errText());
    }

    /** The lines written to standard output so far. */
    public List<String> outLines()
    {
        return lines(out);
    }

    /** The lines written to standard error so far. */
    public List<String> errLines()
    {
        return lines(err);
    }

    /** What was written to standard error so far. */
    public String errText()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what was written to standard output so far. */
    public void resetOut()
    {
        out.reset();
    }

    private static List<String> lines(final ByteArrayOutputStream captured)
    {
        final String text = captured.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }
}
