package io.mp4j.process.internal;

import io.mp4j.codec.DeserializationFilter;
import io.mp4j.process.ProcessTarget;
import io.mp4j.session.Session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a child JVM is launched, as a concluded process context settles it: the launch layer below the
 * public process API, shared by spawned children and the class-data training JVM.
 *
 * @param javaExecutable     the {@code java} executable.
 * @param classPath          the children's classpath.
 * @param options            the JVM options: inherited ones, mp4j's required flags, then the extra ones.
 * @param classDataSharing   whether children start with a class-data archive.
 * @param classDataDirectory where the archive cache lives.
 * @param session            the session the children belong to.
 * @param archivedClasses    classes of the program that children load beyond their targets', for their
 *                           class-data archive to hold as well.
 * @param trainingTarget     what the class-data training JVM runs: of the same classes and shape as every
 *                           child's target (a serializable lambda of the public API's type),
 *                           so that the archive holds what deserializing a child's target loads and links;
 *                           it runs {@link ClassDataSharing#runTrainings()}.
 */
public record LaunchSpec(
    Path javaExecutable,
    String classPath,
    List<String> options,
    boolean classDataSharing,
    Path classDataDirectory,
    Session session,
    List<Class<?>> archivedClasses,
    ProcessTarget trainingTarget)
{
    /**
     * This launch for children of another session.
     *
     * @param other the session.
     * @return a copy with that session.
     */
    public LaunchSpec withSession(final Session other)
    {
        return new LaunchSpec(
            javaExecutable, classPath, options, classDataSharing, classDataDirectory, other, archivedClasses,
            trainingTarget);
    }

    /**
     * The command line that starts a JVM running a main class: the {@code java} executable, the first
     * options and the JDK's selector provider (see {@link SelectorProviderOption}; so that the launch's own
     * options win over them), the launch's options, this JVM's deserialization filter, the session, a
     * classpath, the main class and its arguments.
     *
     * @param firstOptions    options placed before the launch's own.
     * @param launchClassPath the classpath, e.g. one reordered for a class-data archive.
     * @param mainClass       the class whose {@code main} runs.
     * @param arguments       the arguments of {@code main}.
     * @return the command, ready for a {@link ProcessBuilder}.
     */
    public List<String> javaCommand(
        final List<String> firstOptions, final String launchClassPath, final String mainClass, final List<String> arguments)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        command.addAll(firstOptions);
        command.addAll(SelectorProviderOption.forChild(javaExecutable, launchClassPath));
        command.addAll(options);
        final String serialFilter = DeserializationFilter.pattern();
        if (serialFilter != null)
        {
            command.add("-D" + DeserializationFilter.PROPERTY + '=' + serialFilter);
        }
        command.add("-D" + Session.CURRENT_PROPERTY + '=' + session.directory());
        command.add("-cp");
        command.add(launchClassPath);
        command.add(Objects.requireNonNull(mainClass, "mainClass"));
        command.addAll(arguments);
        return command;
    }
}
