package net.portcullis.gateway.cli;

import java.nio.file.Path;
import net.portcullis.gateway.app.Gateway;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP, as admins expect of a mail daemon (systemctl reload): gateway.yaml is read again and
 * what can change while mail flows is applied (a file with an error is refused, the running
 * configuration stays), then the rule files.
 */
final class Reload {
    private Reload() {
    }

    static void onSighup(Gateway gateway, Path config) {
        try {
            handle("HUP", () -> {
                LoggerFactory.getLogger(Reload.class).info("SIGHUP: reloading {} and the rules", config);
                gateway.reload(config);
                gateway.rules().reload();
            });
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            LoggerFactory.getLogger(Reload.class).warn("SIGHUP is not available here: restart to apply gateway.yaml; rule files are "
                    + "reloaded when they change");
        }
    }

    /**
     * sun.misc.Signal.handle(new Signal(name), handler), through reflection: the JDK has no public API
     * for signals, and a direct reference makes javac warn on every build that it is internal.
     */
    private static void handle(String name, Runnable action) throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handler = Class.forName("sun.misc.SignalHandler");
        Object sig = signal.getConstructor(String.class).newInstance(name);
        Object h = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, (proxy, m, args) -> {
            if (m.getName().equals("handle")) {
                action.run();
                return null;
            }
            return switch (m.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "SIGHUP handler";
            };
        });
        try {
            signal.getMethod("handle", signal, handler).invoke(null, sig, h);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae; // the signal is not available on this platform, or the JVM uses it
            }
            throw e;
        }
    }
}
