package io.mp4j.process.internal;

import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.ShutdownSequence;
import io.mp4j.internal.Threads;
import io.mp4j.session.Session;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Class-data sharing (AppCDS) for child JVMs: the first time this user starts a child with a given
 * {@code java}, jar set and JVM options, mp4j builds a dynamic archive of the classes a child loads on
 * its way to its target, and every later child of that configuration, in any JVM, maps it instead of
 * loading and verifying those classes again.
 * <p>
 * The archive is built by a separate training JVM, in the background: it runs {@link ChildMain} with a
 * target of the same classes and shape as every child's (see {@link LaunchSpec#trainingTarget()}) on the
 * classpath's jars alone (the JDK archives nothing from directories and refuses
 * to archive after loading from one) and writes the archive as it exits
 * ({@code -XX:ArchiveClassesAtExit}, JDK 13+). Children started meanwhile run without it; a JVM that
 * ends while a build runs waits for it, up to {@value #EXIT_WAIT_SECONDS} s. The archive is installed
 * in the {@link ArchiveCache} under a key that hashes everything that would make the JDK reject it:
 * the {@code java} and its JDK files, the JVM options, and each jar's path, size and modification
 * time. The training also loads the class of the children's targets, where it comes from a jar, and the
 * types of its members (see {@link #launch(LaunchSpec, Class)}), so that such a child opens no jar at all.
 * Children that use it get {@code -XX:SharedArchiveFile} with {@code -Xshare:auto} (a JVM that
 * cannot use an archive runs without it) and {@code -Xlog:cds*=off} (and says nothing about it), and
 * run with the jars first on their classpath (see {@link ArchiveClassPath}).
 * <p>
 * Where the child's {@code java} is JDK {@value #AOT_CACHE_MIN_FEATURE} or later, the archive is an AOT cache
 * instead ({@code -XX:AOTCacheOutput}, JEP 483 and 514): besides the classes, loaded and linked, it holds
 * the training's method profiles (JEP 515). Children map it with {@code -XX:AOTCache}, whose default mode
 * runs on without a cache it cannot use, and {@code -Xlog:aot*=off}. JVM options that name {@code -Xshare:auto},
 * which those options refuse, get the dynamic archive on any JDK.
 * <p>
 * Sharing stays off where it cannot work or is someone else's business: switched off in the
 * {@code ProcessContext}, JVM options that manage sharing themselves ({@code -Xshare:off},
 * {@code -XX:SharedArchiveFile}, ...), a classpath with wildcards or without jars, mp4j's own classes
 * in a directory, a cache directory that is not this user's alone or whose path holds the path
 * separator. Nothing here ever fails a child's
 * start: any problem means a start without the archive. Safe to use from any thread.
 */
public final class ClassDataSharing
{
    /** The system property that names the class-data archive cache directory. */
    public static final String CLASS_DATA_DIRECTORY_PROPERTY = "mp4j.cds.dir";

    /** How long a training JVM may take before it is stopped and the build given up. */
    static final long BUILD_TIMEOUT_SECONDS = 120;

    /** How long a JVM that exits waits for its builds to finish. */
    static final long EXIT_WAIT_SECONDS = 10;

    private static final int LAYOUT_VERSION = 2;
    private static final int MIN_JAVA_FEATURE = 13;
    /** From this JDK on, one training run writes an AOT cache (JEP 483, made in one step by JEP 514). */
    private static final int AOT_CACHE_MIN_FEATURE = 25;
    private static final String TRAINING_NAME = "ClassDataTraining";
    private static final String RETRAIN_PREFIX = "retrain ";
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)[^\"]*\"");

    /** Options by which a launch manages class-data sharing itself; mp4j then keeps out of it. */
    private static final List<String> SHARING_OPTIONS = List.of(
        "-Xshare:off", "-Xshare:on", "-Xshare:dump", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
        "-XX:+AutoCreateSharedArchive", "-XX:-UseSharedSpaces", "-XX:SharedClassListFile",
        "-XX:DumpLoadedClassList", "-XX:+RecordDynamicDumpInfo", "-XX:AOTCache", "-XX:AOTMode",
        "-XX:AOTCacheOutput", "-XX:AOTConfiguration");

    /** Options that write files or logs as a side effect and have no bearing on an archive. */
    private static final List<String> OUTPUT_OPTIONS = List.of(
        "-Xlog", "-verbose", "-XX:ErrorFile=", "-XX:HeapDumpPath=", "-XX:CompileCommandFile=", "-XX:LogFile=",
        "-XX:StartFlightRecording", "-XX:FlightRecorderOptions");

    /**
     * Options that size the young generation or choose the serial or G1 collector, which a pool gives its
     * workers by default: they have no bearing on whether the JDK takes an archive (one made under either
     * collector loads under the other, on JDK 17's dynamic archives and JDK 25's AOT cache alike), so the
     * workers share the archive of their context's other children.
     */
    private static final List<String> WORKER_DEFAULT_OPTIONS =
        List.of("-Xmn", "-XX:NewSize=", "-XX:MaxNewSize=", "-XX:+UseSerialGC", "-XX:+UseG1GC");

    /** Resources the training JVM must find in a jar: the child's entry point and the session it attaches. */
    private static final List<String> BOOTSTRAP_RESOURCES = List.of(
        ChildMain.class.getName().replace('.', '/') + ".class",
        Session.class.getName().replace('.', '/') + ".class");

    /**
     * The system property by which a training JVM learns the classes of children's targets it loads into the
     * archive, separated by commas. Set on the training JVM's command line only.
     */
    static final String TARGET_CLASSES_PROPERTY = "mp4j.cds.targetClasses";

    /** At most this many classes of children's targets are loaded into an archive. */
    static final int MAX_TARGET_CLASSES = 64;

    /** At most this many rebuilds of an archive for its children's target classes per archive and JVM, one at a time. */
    static final int MAX_RETRAINS = 3;

    private static final Map<String, CompletableFuture<Boolean>> BUILDS = new ConcurrentHashMap<>();
    /** The target classes each archive (by its entry's path) was trained with, as this JVM last knew them. */
    private static final Map<String, Set<String>> TRAINED_TARGETS = new ConcurrentHashMap<>();
    /** This JVM's rebuilds of each archive (by its entry's path) for its children's target classes. */
    private static final Map<String, Retraining> RETRAININGS = new ConcurrentHashMap<>();
    private static final Set<Process> TRAINING = ConcurrentHashMap.newKeySet();
    private static final Map<Path, Optional<Jdk>> JDKS = new ConcurrentHashMap<>();
    private static volatile boolean exiting;

    static
    {
        ShutdownSequence.add(ShutdownSequence.CHILDREN, "finish class-data archive builds",
            ClassDataSharing::finishBuildsAtExit);
    }

    /** What a child's command line gets: options to place first, and the classpath. */
    public record Launch(List<String> options, String classPath)
    {
    }

    /**
     * One configuration's archive: its key, the text the key hashes, where it lives, its classpath, and
     * whether it is an AOT cache or a dynamic class-data archive.
     */
    private record Plan(String key, String keyText, ArchiveCache cache, ArchiveClassPath classPath, boolean aotCache)
    {
        /** The options that make a child map the archive, and say nothing if it cannot. */
        List<String> childOptions(final Path archive)
        {
            // -XX:AOTCache refuses -Xshare:auto; its own default (-XX:AOTMode=auto) runs on without a cache it cannot use.
            return aotCache ?
                List.of("-XX:AOTCache=" + archive, "-Xlog:aot*=off", "-Xlog:cds*=off") :
                List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds*=off");
        }

        /** The options that make the training JVM write the archive as it exits. */
        List<String> trainingOptions(final Path archive)
        {
            // The AOT cache is assembled by a second JVM that the training JVM starts and waits for at its exit.
            return aotCache ?
                List.of("-XX:AOTCacheOutput=" + archive) :
                List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xshare:auto");
        }
    }

    /** A JDK as the key sees it: its files, and its feature release (0 if unknown). */
    private record Jdk(String description, int feature)
    {
    }

    private ClassDataSharing()
    {
    }

    /**
     * The default cache directory: the {@value #CLASS_DATA_DIRECTORY_PROPERTY} system
     * property, or {@code mp4j-cds-<user>} in the temp directory.
     *
     * @return the directory; it need not exist.
     */
    public static Path defaultDirectory()
    {
        final String configured = System.getProperty(CLASS_DATA_DIRECTORY_PROPERTY);
        if (configured != null && !configured.isBlank())
        {
            return Paths.get(configured);
        }
        final String user = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._-]", "_");
        return Paths.get(System.getProperty("java.io.tmpdir"), "mp4j-cds-" + user);
    }

    /**
     * How to start a child of this context: with the archive if it is ready, otherwise plainly (and the
     * archive's build is started in the background, once per key and JVM). The class the child's target
     * is made of, and the launch's {@link LaunchSpec#archivedClasses() archived classes}, where they come from
     * the classpath's jars, are loaded into the archive too, so that the child does not open those jars at
     * all: by the first build, or else by a rebuild in the background while children go on starting from
     * the archive there is (see {@link #MAX_RETRAINS}). Never throws.
     *
     * @param context     a concluded context.
     * @param targetClass the class of the child's target (for a lambda, its own hidden class), or null.
     * @return options to place first on the command line, and the classpath.
     */
    public static Launch launch(final LaunchSpec context, final Class<?> targetClass)
    {
        final Launch plain = new Launch(List.of(), context.classPath());
        if (!context.classDataSharing() || exiting)
        {
            return plain;
        }
        try
        {
            final Optional<Plan> plan = plan(context);
            if (plan.isEmpty())
            {
                return plain;
            }
            final Optional<Path> archive = plan.get().cache().archive(plan.get().key());
            final List<String> targets = targetClasses(plan.get(), targetClass, context.archivedClasses());
            if (archive.isEmpty())
            {
                buildFor(context, plan.get(), targets);
                return plain;
            }
            retrainIfMissing(context, plan.get(), targets);
            return new Launch(plan.get().childOptions(archive.get()), plan.get().classPath().sharingClassPath());
        }
        catch (final IOException | RuntimeException ex)
        {
            return plain;
        }
    }

    /**
     * Makes sure the archive of this context's children exists, building it if need be and waiting.
     *
     * @param context a concluded context.
     * @param timeout how long to wait for a build.
     * @return true if children of this context start from an archive now.
     * @throws InterruptedException if the calling thread is interrupted while waiting.
     */
    public static boolean prepare(final LaunchSpec context, final Duration timeout) throws InterruptedException
    {
        if (!context.classDataSharing() || exiting)
        {
            return false;
        }
        final Optional<Plan> plan;
        try
        {
            plan = plan(context);
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
        if (plan.isEmpty())
        {
            return false;
        }
        final List<String> targets = targetClasses(plan.get(), null, context.archivedClasses());
        if (plan.get().cache().archive(plan.get().key()).isPresent())
        {
            retrainIfMissing(context, plan.get(), targets);
            return true;
        }
        try
        {
            buildFor(context, plan.get(), targets).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            return false;
        }
        return plan.get().cache().archive(plan.get().key()).isPresent();
    }

    private static Optional<Plan> plan(final LaunchSpec context) throws IOException
    {
        final List<String> options = context.options();
        for (final String option : options)
        {
            if (SHARING_OPTIONS.stream().anyMatch(option::startsWith))
            {
                return Optional.empty();
            }
        }
        final Optional<ArchiveClassPath> classPath = ArchiveClassPath.of(context.classPath());
        if (classPath.isEmpty() || classPath.get().jars().isEmpty() || !classPath.get().isOrderSafe())
        {
            return Optional.empty();
        }
        final Optional<Jdk> jdk = describeJdk(context.javaExecutable());
        if (jdk.isEmpty())
        {
            return Optional.empty();
        }
        // -XX:SharedArchiveFile takes a list of archives separated like a classpath.
        if (context.classDataDirectory().toAbsolutePath().toString().contains(File.pathSeparator))
        {
            return Optional.empty();
        }
        final Optional<ArchiveCache> cache = ArchiveCache.open(context.classDataDirectory());
        if (cache.isEmpty())
        {
            return Optional.empty();
        }

        // -XX:AOTCache and -XX:AOTCacheOutput refuse every -Xshare option, -Xshare:auto (the default) included.
        final boolean aotCache = jdk.get().feature() >= AOT_CACHE_MIN_FEATURE &&
            options.stream().noneMatch(option -> option.startsWith("-Xshare:"));
        final StringBuilder keyText = new StringBuilder()
            .append("mp4j class-data archive layout=").append(LAYOUT_VERSION).append('\n')
            .append("kind ").append(aotCache ? "aot-cache" : "dynamic-archive").append('\n')
            .append(jdk.get().description());
        for (final String option : options)
        {
            if (!option.startsWith("-D") && OUTPUT_OPTIONS.stream().noneMatch(option::startsWith) &&
                WORKER_DEFAULT_OPTIONS.stream().noneMatch(option::startsWith))
            {
                keyText.append("option ").append(option).append('\n');
            }
        }
        for (final String jar : classPath.get().jars())
        {
            keyText.append("jar ").append(describe(Paths.get(jar))).append('\n');
        }
        return Optional.of(
            new Plan(sha256(keyText.toString()), keyText.toString(), cache.get(), classPath.get(), aotCache));
    }

    /** The JDK of a {@code java} executable as the key sees it, or empty if it cannot archive. */
    private static Optional<Jdk> describeJdk(final Path javaExecutable)
    {
        return JDKS.computeIfAbsent(javaExecutable, executable ->
        {
            try
            {
                final Path real = executable.toRealPath();
                final Path home = real.getParent().getParent();
                final Path release = home.resolve("release");
                final Path modules = home.resolve("lib").resolve("modules");
                if (!Files.isRegularFile(modules))
                {
                    return Optional.empty();
                }
                final StringBuilder text = new StringBuilder("java ").append(real).append('\n');
                int feature = 0;
                if (Files.isRegularFile(release))
                {
                    final Matcher version = JAVA_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
                    if (version.find())
                    {
                        feature = Integer.parseInt(version.group(1));
                        if (feature < MIN_JAVA_FEATURE)
                        {
                            return Optional.empty();
                        }
                    }
                    text.append("jdk ").append(describe(release)).append('\n');
                }
                text.append("jdk ").append(describe(modules)).append('\n');
                // The JVM, and the base archives a dynamic archive is built on top of (re-dumped by an admin's -Xshare:dump).
                final Path server = home.resolve("lib").resolve("server");
                for (final String file : List.of(System.mapLibraryName("jvm"), "classes.jsa", "classes_nocoops.jsa"))
                {
                    if (Files.isRegularFile(server.resolve(file)))
                    {
                        text.append("jdk ").append(describe(server.resolve(file))).append('\n');
                    }
                }
                return Optional.of(new Jdk(text.toString(), feature));
            }
            catch (final IOException | RuntimeException ex)
            {
                return Optional.empty();
            }
        });
    }

    private static String describe(final Path file) throws IOException
    {
        final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return file + " size=" + attributes.size() + " modified=" + attributes.lastModifiedTime().toMillis();
    }

    private static String sha256(final String text)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }

    /**
     * The names of the classes an archive is to hold for a child: those its target and the launch's archived
     * classes are made of (see {@link #archivable}).
     */
    private static List<String> targetClasses(
        final Plan plan, final Class<?> targetClass, final List<Class<?>> archivedClasses)
    {
        final Set<String> names = new LinkedHashSet<>();
        if (targetClass != null)
        {
            archivable(plan, targetClass).ifPresent(names::add);
        }
        for (final Class<?> archived : archivedClasses)
        {
            if (names.size() >= MAX_TARGET_CLASSES)
            {
                break;
            }
            archivable(plan, archived).ifPresent(names::add);
        }
        return List.copyOf(names);
    }

    /** The name of the class an archive would hold for a type, where that class comes from one of the plan's jars. */
    private static Optional<String> archivable(final Plan plan, final Class<?> type)
    {
        return archivableClass(type, jar -> plan.classPath().jars().stream()
            .anyMatch(entry -> Paths.get(entry).toAbsolutePath().normalize().equals(jar))).map(Class::getName);
    }

    /**
     * The class a children's archive would hold for a type: a lambda's capturing class, or the type itself;
     * none if it comes from no jar (a directory's classes cannot be archived), or if it is one of mp4j's
     * internal classes, which mp4j's own trainings cover.
     *
     * @param type a class, e.g. of a child's target or of a pool's function.
     * @return the class, or empty.
     */
    public static Optional<Class<?>> archivableClass(final Class<?> type)
    {
        return archivableClass(type, jar -> true);
    }

    /** {@link #archivableClass(Class)}, where the jar it comes from (absolute, normalised) is one of these. */
    private static Optional<Class<?>> archivableClass(final Class<?> type, final Predicate<Path> jars)
    {
        try
        {
            final Class<?> definer = definer(type);
            final String name = definer.getName();
            if (name.startsWith("io.mp4j.") && name.contains(".internal."))
            {
                return Optional.empty();
            }
            final Path location = ChildClassPath.codeSource(definer);
            if (location == null)
            {
                return Optional.empty();
            }
            final Path jar = location.toAbsolutePath().normalize();
            return Files.isRegularFile(jar) && jars.test(jar) ? Optional.of(definer) : Optional.empty();
        }
        catch (final ClassNotFoundException | RuntimeException ex)
        {
            return Optional.empty();
        }
    }

    /**
     * The class that defines a target: for a lambda, the class whose code made it, named in the front of
     * the lambda's hidden class's name (its nest host is the outermost class, which a lambda of a nested
     * class is not); any other target's own class.
     */
    private static Class<?> definer(final Class<?> targetClass) throws ClassNotFoundException
    {
        final String name = targetClass.getName();
        final int lambda = name.indexOf("$$Lambda");
        if (!targetClass.isHidden() || lambda < 0)
        {
            return targetClass;
        }
        return Class.forName(name.substring(0, lambda), false, targetClass.getClassLoader());
    }

    /**
     * Rebuilds an archive in the background if it lacks a target's class: the new archive holds the
     * classes the old one was trained with as well, up to {@value #MAX_TARGET_CLASSES}, and replaces it
     * once built. Target classes that children need meanwhile go into the next rebuild, which follows at
     * once; at most {@value #MAX_RETRAINS} per archive and JVM. A JVM that exits waits for a rebuild as for
     * a first build.
     */
    private static void retrainIfMissing(final LaunchSpec context, final Plan plan, final List<String> targets)
    {
        final String entry = entryName(plan);
        if (targets.isEmpty() ||
            TRAINED_TARGETS.computeIfAbsent(entry, ignored -> plan.cache().targetClasses(plan.key())).containsAll(targets))
        {
            return;
        }
        final Retraining retraining = RETRAININGS.computeIfAbsent(entry, ignored -> new Retraining());
        final int run = retraining.note(targets);
        if (run == 0)
        {
            return;
        }
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        // Under a name of its own, for the exit to wait for: the key's first build may be long done.
        BUILDS.put(RETRAIN_PREFIX + run + ' ' + entry, done);
        final Thread builder = new Thread(Threads.rootGroup(), () ->
        {
            Set<String> trained = null;
            boolean ended = false;
            try
            {
                do
                {
                    trained = retrainNow(context, plan, retraining.missing());
                    if (trained != null)
                    {
                        TRAINED_TARGETS.put(entry, Set.copyOf(trained));
                    }
                }
                while (retraining.goOn(trained));
                ended = true;
            }
            finally
            {
                if (!ended)
                {
                    retraining.abandon();
                }
                done.complete(trained != null);
            }
        }, "mp4j-cds-build");
        builder.setDaemon(true);
        builder.start();
    }

    /** What this JVM's state about an archive is kept under: its entry's path, as one key may live in several caches. */
    private static String entryName(final Plan plan)
    {
        return plan.cache().directory().resolve(plan.key()).toString();
    }

    /**
     * The target classes an archive lacks, as this JVM's children needed them, and this JVM's rebuilds of
     * it for them: one at a time.
     */
    private static final class Retraining
    {
        private final Set<String> missing = new TreeSet<>();
        private int started;
        private boolean running;

        /** Notes classes; the number of the rebuild the caller is to start now, or 0. */
        synchronized int note(final List<String> targets)
        {
            missing.addAll(targets);
            if (running || started >= MAX_RETRAINS || exiting)
            {
                return 0;
            }
            running = true;
            return ++started;
        }

        synchronized List<String> missing()
        {
            return List.copyOf(missing);
        }

        /**
         * After a rebuild that left the archive holding these classes (null if it failed): true to go on with
         * the classes noted meanwhile; false ends this run, so that a later note starts another.
         */
        synchronized boolean goOn(final Set<String> trained)
        {
            if (trained != null)
            {
                missing.removeAll(trained);
                if (!missing.isEmpty() && started < MAX_RETRAINS && !exiting)
                {
                    started++;
                    return true;
                }
            }
            running = false;
            return false;
        }

        /** The rebuilds' thread ended by an error: a later note starts another. */
        synchronized void abandon()
        {
            running = false;
        }
    }

    /**
     * The build of a plan's archive for these target classes: a new one takes them along; a build already
     * under way (started for other targets) is followed by a rebuild for those it lacks, once it is done.
     */
    private static CompletableFuture<Boolean> buildFor(final LaunchSpec context, final Plan plan, final List<String> targets)
    {
        final CompletableFuture<Boolean> built = build(context, plan, targets);
        if (!targets.isEmpty())
        {
            built.thenAccept(success ->
            {
                if (success)
                {
                    retrainIfMissing(context, plan, targets);
                }
            });
        }
        return built;
    }

    /**
     * The build of a plan's archive, in a daemon thread: one per key and JVM at a time, none after a
     * failed one, and a new one after a successful one only if that archive has since been removed
     * (damaged, or evicted).
     */
    private static CompletableFuture<Boolean> build(final LaunchSpec context, final Plan plan, final List<String> targets)
    {
        return BUILDS.compute(plan.key(), (key, previous) ->
        {
            if (previous != null && !(previous.isDone() && previous.join()))
            {
                return previous;
            }
            final CompletableFuture<Boolean> done = new CompletableFuture<>();
            final Runnable buildIt = () ->
            {
                boolean built = false;
                try
                {
                    built = buildNow(context, plan, targets);
                }
                finally
                {
                    done.complete(built);
                }
            };
            // In the root thread group: mp4j's thread, not one the caller started (a hosted child whose
            // target leaves threads behind retires its worker).
            final Thread builder = new Thread(Threads.rootGroup(), buildIt, "mp4j-cds-build");
            builder.setDaemon(true);
            builder.start();
            return done;
        });
    }

    /**
     * Trains a new archive with the classes the present one was trained with and the new ones, and puts it
     * in the present one's place. Waits for another process's build of the key and starts again from what
     * it installed; gives up where a build of the key failed within the hour.
     *
     * @return the target classes the key's archive holds now, or null if it could not be rebuilt.
     */
    private static Set<String> retrainNow(final LaunchSpec context, final Plan plan, final List<String> targets)
    {
        final ArchiveCache cache = plan.cache();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUILD_TIMEOUT_SECONDS);
        try
        {
            while (!exiting && System.nanoTime() < deadline && !cache.hasFailed(plan.key()))
            {
                final Set<String> present = cache.targetClasses(plan.key());
                final Set<String> union = new TreeSet<>(present);
                for (final String target : targets)
                {
                    if (union.size() < MAX_TARGET_CLASSES)
                    {
                        union.add(target);
                    }
                }
                if (union.equals(present))
                {
                    return union; // another process's rebuild has them, or the archive is full
                }
                if (cache.archive(plan.key()).isEmpty())
                {
                    return null; // no archive to rebuild (a first build makes one)
                }
                final Path build = cache.newBuild(plan.key());
                final Optional<Path> leader = cache.leadingBuild(plan.key());
                if (leader.isPresent() && !leader.get().equals(build))
                {
                    ArchiveCache.deleteRecursively(build);
                    cache.awaitBuild(leader.get(), deadline, () -> exiting);
                    continue;
                }
                if (train(context, plan, build, List.copyOf(union), true))
                {
                    return union;
                }
                if (cache.targetClasses(plan.key()).equals(present))
                {
                    return null; // failed on its own account, not for a rebuild that replaced the entry meanwhile
                }
            }
            return null;
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean buildNow(final LaunchSpec context, final Plan plan, final List<String> targets)
    {
        final ArchiveCache cache = plan.cache();
        try
        {
            if (cache.hasFailed(plan.key()) ||
                BOOTSTRAP_RESOURCES.stream().anyMatch(resource -> !plan.classPath().isFirstFoundInJar(resource)))
            {
                return false;
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUILD_TIMEOUT_SECONDS);
            while (!exiting && System.nanoTime() < deadline)
            {
                if (cache.archive(plan.key()).isPresent())
                {
                    return true;
                }
                if (cache.hasFailed(plan.key()))
                {
                    return false;
                }
                // Every JVM that wants this key creates a build directory; the first by name builds, the
                // others wait for it and then use what it installed.
                final Path build = cache.newBuild(plan.key());
                final Optional<Path> leader = cache.leadingBuild(plan.key());
                if (leader.isEmpty() || leader.get().equals(build))
                {
                    return train(context, plan, build, targets, false);
                }
                ArchiveCache.deleteRecursively(build);
                cache.awaitBuild(leader.get(), deadline, () -> exiting);
            }
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * Runs the training JVM into the build directory and installs what it wrote.
     *
     * @param targets the classes of children's targets the training loads into the archive.
     * @param replace whether the archive replaces the key's present one.
     */
    private static boolean train(
        final LaunchSpec context, final Plan plan, final Path build, final List<String> targets, final boolean replace)
        throws InterruptedException
    {
        final ArchiveCache cache = plan.cache();
        try (Session session = Session.create())
        {
            final String name = session.uniqueName("cds-training");
            final ChildSpec spec = new ChildSpec(TRAINING_NAME, TRAINING_NAME, true, ProcessHandle.current().pid(),
                ProcessState.name(),
                JavaSerialization.serialize(context.trainingTarget(), "class-data training target"));
            session.writeAtomically(name + ChildMain.SPEC_SUFFIX, spec.encode());

            final List<String> command = new ArrayList<>();
            final List<String> trainingOptions = new ArrayList<>(plan.trainingOptions(build.resolve(ArchiveCache.ARCHIVE_FILE)));
            if (!targets.isEmpty())
            {
                trainingOptions.add("-D" + TARGET_CLASSES_PROPERTY + "=" + String.join(",", targets));
            }
            for (final String part : context.withSession(session).javaCommand(
                trainingOptions,
                plan.classPath().archivingClassPath(), ChildMain.class.getName(), List.of(name)))
            {
                // The training's own output is the build log; what the context asks to be logged elsewhere is not its business.
                if (OUTPUT_OPTIONS.stream().noneMatch(part::startsWith))
                {
                    command.add(part);
                }
            }
            final Process training = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(build.resolve(ArchiveCache.BUILD_LOG_FILE).toFile())
                .start();
            TRAINING.add(training);
            final boolean exited;
            try
            {
                exited = training.waitFor(BUILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            finally
            {
                if (training.isAlive())
                {
                    training.destroyForcibly().waitFor();
                }
                TRAINING.remove(training);
            }

            final Path archive = build.resolve(ArchiveCache.ARCHIVE_FILE);
            final int exitCode = exited ? training.exitValue() : -1;
            if (exitCode == 0 && Files.isRegularFile(archive) && Files.size(archive) > 0)
            {
                final boolean installed = cache.install(plan.key(), build, plan.keyText(), targets, replace);
                TRAINED_TARGETS.remove(entryName(plan));
                return installed;
            }
            if (!exited || exiting || exitCode > 128)
            {
                // Stopped or killed: the machine's trouble, not the configuration's; a later JVM tries again.
                ArchiveCache.deleteRecursively(build);
                return false;
            }
            cache.recordFailure(plan.key(), build, "class-data archive build failed: exitCode=" + exitCode +
                " archiveWritten=" + Files.isRegularFile(archive) + " command=" + String.join(" ", command));
            return false;
        }
        catch (final IOException | RuntimeException ex)
        {
            ArchiveCache.deleteRecursively(build);
            return false;
        }
    }

    /**
     * Lets training JVMs that this JVM started finish and their archives be installed; builds waiting
     * for another JVM's training, and builds not yet begun, give up at once.
     */
    private static void finishBuildsAtExit()
    {
        exiting = true;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXIT_WAIT_SECONDS);
        for (final CompletableFuture<Boolean> pending : BUILDS.values())
        {
            try
            {
                pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final TimeoutException ex)
            {
                break;
            }
            catch (final ExecutionException ex)
            {
                // A build that failed has nothing left to finish.
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (final Process training : TRAINING)
        {
            training.destroyForcibly();
        }
    }

    /**
     * Runs the {@link ChildTraining}s on the classpath, the start-up paths of children beyond the bootstrap:
     * what the training JVM's target does after its bootstrap, which every child takes too. One that throws
     * only makes the archive hold less.
     */
    public static void runTrainings()
    {
        final ClassLoader loader = ChildTraining.class.getClassLoader();
        for (final ChildTraining training : ServiceLoader.load(ChildTraining.class, loader))
        {
            try
            {
                training.train();
            }
            catch (final Exception ex)
            {
                // The archive holds less; children start as well as before.
            }
        }
        for (final String name : System.getProperty(TARGET_CLASSES_PROPERTY, "").split(","))
        {
            if (!name.isEmpty())
            {
                loadTargetClass(name);
            }
        }
    }

    /**
     * Loads a class into the training JVM as a child's target class is loaded into the archive: loaded, not
     * initialised, so that no code of the program runs here; with the types of every member of the class,
     * which a child's reflection on it (finding its target's deserializer) loads. Does nothing if the class
     * cannot be loaded: the archive then holds less, and a child opens its jar as before.
     *
     * @param name the class's binary name.
     */
    public static void loadTargetClass(final String name)
    {
        try
        {
            final Class<?> target = Class.forName(name, false, ClassLoader.getSystemClassLoader());
            target.getDeclaredMethods();
            target.getDeclaredFields();
            target.getDeclaredConstructors();
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            // The archive holds less.
        }
    }
}
