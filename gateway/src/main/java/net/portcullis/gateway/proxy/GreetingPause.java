package net.portcullis.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.function.Supplier;
import net.portcullis.gateway.checks.GreetingMemory;
import net.portcullis.gateway.checks.GreetingModule.Config;
import net.portcullis.policy.Client;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.Networks;

/**
 * The pause before our banner (greeting.pause, Postfix's postscreen_greet_wait): a real MTA waits
 * for the 220; a bot that starts talking is caught. The bytes it sent are left in the socket for
 * the session to read as usual: nothing is answered differently here, the rules decide on
 * {@code client.pregreet}. A client that waited is remembered (greeting.remember, in memory or
 * in the fleet's Redis: {@link GreetingMemory}), so it pays the pause once; trusted networks and
 * whitelisted clients never pay it.
 */
public final class GreetingPause {
    private static final long STEP_MS = 50;
    private final Config config;
    private final Networks trusted;
    private final Supplier<Lists.Snapshots> lists;
    private final GreetingMemory passed;

    public GreetingPause(Config config, Networks trusted, Supplier<Lists.Snapshots> lists) {
        this(config, trusted, lists, GreetingMemory.inMemory(config.remember()));
    }

    public GreetingPause(Config config, Networks trusted, Supplier<Lists.Snapshots> lists, GreetingMemory passed) {
        this.config = config;
        this.trusted = trusted;
        this.lists = lists;
        this.passed = passed;
    }

    public Config config() {
        return config;
    }

    public GreetingMemory memory() {
        return passed;
    }

    /**
     * Pauses (or not) before the banner, on the session's own thread, and says what it saw.
     *
     * @param a the client: the connection's peer, or the one a load balancer's PROXY header named
     */
    Client.Greeting await(Socket socket, InetAddress a) {
        if (config.pause() == null) {
            return Client.Greeting.OFF;
        }
        if (trusted.match(a).isPresent() || lists.get().white().ip(a).isPresent()) {
            return new Client.Greeting("exempt", 0);
        }
        if (passed.remembers(a)) {
            return new Client.Greeting("remembered", 0);
        }
        long end = System.nanoTime() + config.pause().toNanos();
        try {
            InputStream in = socket.getInputStream();
            while (System.nanoTime() < end) {
                int early = in.available();
                if (early > 0) {
                    passed.forget(a);
                    return new Client.Greeting("waited", early);
                }
                Thread.sleep(Math.min(STEP_MS, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        } catch (IOException e) {
            return new Client.Greeting("waited", 0); // the client left: its session ends at the banner
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Client.Greeting("waited", 0);
        }
        passed.remember(a);
        return new Client.Greeting("waited", 0);
    }
}
