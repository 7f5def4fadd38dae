package net.portcullis.policy.consent;

import java.time.Instant;
import java.util.List;

/**
 * Where consent stands for one (recipient, sender) pair, derived from its events in order:
 * a revocation wins over any older grant, a newer grant after it counts again; a double opt-in
 * grant waits for its confirmation; a grant past its end has expired.
 */
public record ConsentState(String recipient, String sender, Status status, ConsentEvent decidedBy) {

    public enum Status { ACTIVE, PENDING, REVOKED, EXPIRED, NONE }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    /** @param events the pair's events, oldest first (by time, then by order of recording) */
    public static ConsentState derive(String recipient, String sender, List<ConsentEvent> events, Instant now) {
        Status s = Status.NONE;
        ConsentEvent by = null;
        ConsentEvent grant = null;
        for (ConsentEvent e : events) {
            switch (e.action()) {
                case GRANT -> {
                    grant = e;
                    s = e.method().equals("double-opt-in") ? Status.PENDING : Status.ACTIVE;
                    by = e;
                }
                case CONFIRM -> {
                    if (s == Status.PENDING || s == Status.ACTIVE) {
                        s = Status.ACTIVE;
                        by = e;
                    }
                }
                case REVOKE -> {
                    s = Status.REVOKED;
                    by = e;
                    grant = null;
                }
                case EXPIRE -> {
                    if (s != Status.REVOKED) {
                        s = Status.EXPIRED;
                        by = e;
                        grant = null;
                    }
                }
            }
        }
        if ((s == Status.ACTIVE || s == Status.PENDING) && grant != null && grant.validUntil() != null
                && !grant.validUntil().isAfter(now)) {
            s = Status.EXPIRED;
        }
        return new ConsentState(recipient, sender, s, by);
    }
}
