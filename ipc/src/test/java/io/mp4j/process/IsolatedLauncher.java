package io.mp4j.process;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * Starts a main class as {@code mvn exec:java} and IDE classpath wrappers do: this JVM's
 * {@code java.class.path} holds only this launcher, and the application's classes, mp4j's among them,
 * come from a class loader of its own, set as the main thread's context class loader, and closed when
 * the main method returns (as {@code mvn exec:java} does, before the JVM's shutdown hooks run).
 */
public final class IsolatedLauncher
{
    private IsolatedLauncher()
    {
    }

    /**
     * @param args the application's classpath, its main class, then its arguments.
     */
    public static void main(final String[] args) throws Exception
    {
        final String[] entries = args[0].split(File.pathSeparator);
        final URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++)
        {
            urls[i] = Paths.get(entries[i]).toUri().toURL();
        }
        try (URLClassLoader application = new URLClassLoader(urls, ClassLoader.getSystemClassLoader()))
        {
            Thread.currentThread().setContextClassLoader(application);
            final Method main = application.loadClass(args[1]).getMethod("main", String[].class);
            main.invoke(null, (Object)Arrays.copyOfRange(args, 2, args.length));
        }
    }
}
