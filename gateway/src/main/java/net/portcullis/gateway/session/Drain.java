package net.portcullis.gateway.session;

/** Whether the gateway is shutting down: new connections and new transactions then hear 421 (SIGTERM). */
public final class Drain {
    private volatile boolean draining;

    public void start() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }
}
