package io.mp4j.ipc;

import net.openhft.chronicle.values.ValueModel;
import net.openhft.compiler.CachedCompiler;

import java.io.File;
import java.lang.reflect.Method;
import java.util.List;

/**
 * A build step, not a runtime class: it writes into ipc's classes the one class that Chronicle Map
 * otherwise generates and compiles with {@code javac} in every JVM that opens a map, the off-heap
 * flyweight of {@code VanillaGlobalMutableState}. Chronicle Values looks for
 * {@code <type>$$Native} on the class path before it generates one, so with the class in mp4j's jar a
 * JVM opening its first dict skips the compiler (about 1,100 classes and most of a second).
 * <p>
 * The source is produced by Chronicle Values' own generator for the Chronicle version of the build,
 * so the class always matches the interface it implements; {@code SharedDictStartTest} checks that
 * the dict uses it. Run by the ipc module's build:
 * {@code ChronicleMapPrecompiler <classes directory> <Java release>}.
 */
final class ChronicleMapPrecompiler
{
    private static final String VALUE_TYPE = "net.openhft.chronicle.hash.VanillaGlobalMutableState";
    private static final String GENERATOR = "net.openhft.chronicle.values.Generators";
    private static final String NATIVE_SUFFIX = "$$Native";

    private ChronicleMapPrecompiler()
    {
    }

    /**
     * The name of the class this step writes.
     *
     * @return its binary name.
     */
    static String nativeClassName()
    {
        return VALUE_TYPE + NATIVE_SUFFIX;
    }

    /**
     * Generates and compiles the class into a classes directory.
     *
     * @param args the classes directory, and the Java release to compile for (the project's, not the
     *             building JDK's, so a newer JDK does not make a class that Java 17 refuses).
     * @throws Exception if Chronicle's generator is not where this version expects it, or javac fails;
     *                   the build stops then, rather than ship a jar that compiles at run time.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length != 2)
        {
            throw new IllegalArgumentException("usage: ChronicleMapPrecompiler <classes directory> <Java release>");
        }
        ChronicleDefaults.apply();
        final Class<?> valueType = Class.forName(VALUE_TYPE);
        final String simpleName = valueType.getSimpleName() + NATIVE_SUFFIX;
        final Method generate = Class.forName(GENERATOR)
            .getDeclaredMethod("generateNativeClass", ValueModel.class, String.class);
        generate.setAccessible(true);
        final String source = (String)generate.invoke(null, ValueModel.acquire(valueType), simpleName);
        new CachedCompiler(null, new File(args[0]), List.of("-g", "-nowarn", "--release", args[1]))
            .loadFromJava(valueType.getClassLoader(), nativeClassName(), source);
    }
}
