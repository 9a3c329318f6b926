package io.mp4j.process.internal;

import io.mp4j.Mp4jException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks, once per artifact and at the first use of a feature that needs them, that this JVM was started
 * with the module exports and opens of an artifact's flag list ({@link JvmFlags}). It asks
 * {@link Module#isExported(String, Module)} and {@link Module#isOpen(String, Module)} instead of waiting for
 * the library underneath to fail somewhere deep, and fails with one message that names exactly the missing
 * flags and every place they can be given. The list's system properties are not checked: mp4j sets them
 * itself. Child JVMs that mp4j starts get the flags from {@link JvmFlags} and pass.
 */
public final class JvmFlagCheck
{
    /** What each artifact's check found missing; the check runs once per artifact and JVM. */
    private static final Map<String, List<Missing>> MISSING = new ConcurrentHashMap<>();

    private JvmFlagCheck()
    {
    }

    /**
     * Fails if this JVM lacks one of an artifact's exports or opens. Any thread may call it, as often as it
     * likes: after the first call it costs a map lookup.
     *
     * @param artifact the artifact's short name, e.g. {@link JvmFlags#CHRONICLE}.
     * @param feature  what the caller asked for, for the message, e.g. {@code DurableQueue}.
     * @param user     a class of the library that needs the access; its module is the one the packages
     *                 must reach (the unnamed module, on the classpath).
     * @throws Mp4jException naming the missing flags and where to put them.
     */
    public static void require(final String artifact, final String feature, final Class<?> user)
    {
        final Module target = user.getModule();
        final List<Missing> missing = MISSING.computeIfAbsent(artifact, name -> missing(JvmFlags.of(name), target));
        if (!missing.isEmpty())
        {
            throw new Mp4jException(message(feature, "io.mp4j:mp4j-" + artifact, missing, target));
        }
    }

    /** The exports and opens of a list that this JVM does not grant the target module. */
    static List<Missing> missing(final JvmFlags.FlagList flags, final Module target)
    {
        final List<Missing> missing = new ArrayList<>();
        for (final String export : flags.addExports())
        {
            if (lacks(export, target, false))
            {
                missing.add(new Missing("--add-exports", "Add-Exports", export));
            }
        }
        for (final String open : flags.addOpens())
        {
            if (lacks(open, target, true))
            {
                missing.add(new Missing("--add-opens", "Add-Opens", open));
            }
        }
        return List.copyOf(missing);
    }

    /**
     * Whether a {@code module/package} is not exported (or not open) to the target. A module this runtime does
     * not have, or a package its module does not hold, cannot be granted by any flag and is not reported.
     */
    private static boolean lacks(final String modulePackage, final Module target, final boolean open)
    {
        final int slash = modulePackage.indexOf('/');
        final String packageName = modulePackage.substring(slash + 1);
        final Optional<Module> module = ModuleLayer.boot().findModule(modulePackage.substring(0, slash));
        if (module.isEmpty() || !module.get().getPackages().contains(packageName))
        {
            return false;
        }
        return open ? !module.get().isOpen(packageName, target) : !module.get().isExported(packageName, target);
    }

    /** The message: the facts on the first line, then the flags in the form each launcher takes them. */
    static String message(final String feature, final String artifact, final List<Missing> missing, final Module target)
    {
        final String to = target.isNamed() ? target.getName() : "ALL-UNNAMED";
        final List<String> flags = new ArrayList<>();
        final List<String> quoted = new ArrayList<>();
        for (final Missing flag : missing)
        {
            final String commandLine = flag.option + '=' + flag.modulePackage + '=' + to;
            flags.add(commandLine);
            quoted.add('"' + commandLine + '"');
        }
        final String line = String.join(" ", flags);
        final String list = String.join(", ", quoted);
        final StringBuilder message = new StringBuilder()
            .append(feature).append(" needs JVM flags this JVM was started without: artifact=").append(artifact)
            .append(" missing=").append(flags).append('\n')
            .append("Start the JVM that runs your code with them (child JVMs that mp4j starts get them from mp4j):\n")
            .append("  java:           java ").append(line).append(" -cp ... com.example.Main\n")
            .append("  Surefire:       <argLine>").append(line).append("</argLine>\n")
            .append("  mvn exec:java:  a line in .mvn/jvm.config (exec:java runs in Maven's own JVM): ").append(line)
            .append('\n')
            .append("  Gradle:         tasks.test { jvmArgs(").append(list).append(") }, and for run:")
            .append(" application { applicationDefaultJvmArgs = listOf(").append(list).append(") }");
        if (!target.isNamed())
        {
            // A manifest's attributes grant to the unnamed modules only, and only to a JVM started by java -jar.
            final List<String> attributes = new ArrayList<>();
            for (final String attribute : List.of("Add-Exports", "Add-Opens"))
            {
                final List<String> packages = new ArrayList<>();
                for (final Missing flag : missing)
                {
                    if (flag.manifestAttribute.equals(attribute))
                    {
                        packages.add(flag.modulePackage);
                    }
                }
                if (!packages.isEmpty())
                {
                    attributes.add(attribute + ": " + String.join(" ", packages));
                }
            }
            message.append("\n  java -jar:      manifest attributes ").append(String.join("; ", attributes));
        }
        return message.toString();
    }

    /**
     * One export or open that this JVM lacks.
     *
     * @param option            the command-line option, {@code --add-exports} or {@code --add-opens}.
     * @param manifestAttribute the jar manifest attribute that grants it, {@code Add-Exports} or {@code Add-Opens}.
     * @param modulePackage     the {@code module/package}.
     */
    record Missing(String option, String manifestAttribute, String modulePackage)
    {
    }
}
