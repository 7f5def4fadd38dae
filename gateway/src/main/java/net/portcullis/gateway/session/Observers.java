package net.portcullis.gateway.session;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The modules' observers, called in registry order; one that throws is logged and skipped, the rest still hear. */
public final class Observers implements TransactionObserver {
    private static final Logger LOG = LoggerFactory.getLogger(Observers.class);
    public static final Observers NONE = new Observers(List.of());

    private final List<TransactionObserver> all;

    public Observers(List<TransactionObserver> all) {
        this.all = List.copyOf(all);
    }

    public int size() {
        return all.size();
    }

    private void each(String event, Consumer<TransactionObserver> call) {
        for (TransactionObserver o : all) {
            try {
                call.accept(o);
            } catch (RuntimeException e) {
                LOG.warn("observer {} failed on {}: {}", o.getClass().getSimpleName(), event, e.toString());
            }
        }
    }

    @Override
    public void onConnect(InetAddress client) {
        each("connect", o -> o.onConnect(client));
    }

    @Override
    public void onMail(Party who) {
        each("mail", o -> o.onMail(who));
    }

    @Override
    public void onRecipient(Party who) {
        each("recipient", o -> o.onRecipient(who));
    }

    @Override
    public void onRefused(Party who) {
        each("refused", o -> o.onRefused(who));
    }

    @Override
    public void onScored(long score) {
        each("scored", o -> o.onScored(score));
    }

    @Override
    public void onData(Party who, long octets) {
        each("data", o -> o.onData(who, octets));
    }

    @Override
    public void onDelivered(Party who, List<String> recipients, long octets) {
        each("delivered", o -> o.onDelivered(who, recipients, octets));
    }
}
