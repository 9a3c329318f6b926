package io.mp4j.ipc;

import io.mp4j.core.Mp4jException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The JVM flags every mp4j JVM needs (module exports and opens for Chronicle and Agrona, and
 * Chronicle's analytics switched off). The list is kept once, in the parent pom, and reaches this
 * class through a filtered resource; child launches and benchmark forks use it from here.
 */
public final class JvmFlags
{
    private static final List<String> REQUIRED = load();

    private JvmFlags()
    {
    }

    /**
     * The flags in command-line form, e.g. {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED}.
     *
     * @return an unmodifiable list of flags.
     */
    public static List<String> required()
    {
        return REQUIRED;
    }

    private static List<String> load()
    {
        final Properties properties = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream("jvm-flags.properties"))
        {
            if (in == null)
            {
                throw new Mp4jException("missing resource: name=io/mp4j/ipc/jvm-flags.properties");
            }
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read resource: name=io/mp4j/ipc/jvm-flags.properties", ex);
        }

        final List<String> flags = new ArrayList<>();
        for (final String export : words(properties, "addExports"))
        {
            flags.add("--add-exports=" + export + "=ALL-UNNAMED");
        }
        for (final String open : words(properties, "addOpens"))
        {
            flags.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        flags.addAll(words(properties, "systemProperties"));
        return Collections.unmodifiableList(flags);
    }

    private static List<String> words(final Properties properties, final String key)
    {
        final String value = properties.getProperty(key, "").trim();
        if (value.isEmpty() || value.startsWith("${"))
        {
            throw new Mp4jException("JVM flag list not filled in by the build: key=" + key + " value=" + value);
        }
        return List.of(value.split("\\s+"));
    }
}
