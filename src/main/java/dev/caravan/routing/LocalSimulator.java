package dev.caravan.routing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The provider simulator, started in this JVM when it is on the classpath: the tests have it, and so does
 * {@code bin/caravan run} ({@code target/caravan-simulator.jar} on the loader path). The gateway's own jar does not
 * contain it, so a production deployment cannot answer with simulated replies by accident; it is looked up by name
 * for that reason, not imported.
 */
final class LocalSimulator {

    private static final String CLASS = "dev.caravan.simulator.ProviderSimulator";

    private final AutoCloseable simulator;
    private final String baseUrl;

    private LocalSimulator(AutoCloseable simulator, String baseUrl) {
        this.simulator = simulator;
        this.baseUrl = baseUrl;
    }

    /** Whether the simulator's classes are here at all. */
    static boolean available() {
        try {
            Class.forName(CLASS, false, LocalSimulator.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException absent) {
            return false;
        }
    }

    /** Starts the simulator on {@code port} of 127.0.0.1 (0 for a free one). */
    static LocalSimulator start(int port) {
        try {
            Class<?> type = Class.forName(CLASS, true, LocalSimulator.class.getClassLoader());
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle start = lookup.findStatic(type, "start", MethodType.methodType(type, int.class));
            MethodHandle baseUrl = lookup.findVirtual(type, "baseUrl", MethodType.methodType(String.class));
            Object simulator = start.invoke(port);
            return new LocalSimulator((AutoCloseable) simulator, (String) baseUrl.invoke(simulator));
        } catch (Throwable e) {
            throw new IllegalStateException("the provider simulator could not be started: " + e, e);
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    void close() {
        try {
            simulator.close();
        } catch (Exception e) {
            // stopping at shutdown: nothing is left to do with a simulator that fails to close
        }
    }
}
