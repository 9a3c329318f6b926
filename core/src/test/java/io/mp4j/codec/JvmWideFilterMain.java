package io.mp4j.codec;

import io.mp4j.EncodingException;

import java.net.URI;

/**
 * A JVM started with {@code -Djdk.serialFilter}: decodes a serialized {@link URI} and prints what came of
 * it, the exception's class if it was refused.
 */
public final class JvmWideFilterMain
{
    private JvmWideFilterMain()
    {
    }

    /**
     * Prints {@code decoded <uri>} or {@code refused <exception class> <message>}.
     *
     * @param args none.
     */
    public static void main(final String[] args)
    {
        final byte[] encoded = Codec.encode(URI.create("mp4j://jvm-wide"));
        try
        {
            System.out.println("decoded " + Codec.decode(encoded));
        }
        catch (final EncodingException ex)
        {
            System.out.println("refused " + ex.getClass().getName() + " " + ex.getMessage());
        }
    }
}
