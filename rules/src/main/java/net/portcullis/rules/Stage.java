package net.portcullis.rules;

/**
 * The points of an SMTP transaction at which checks run and rules decide. RELAY sits between
 * MAIL and RCPT: it decides only whether a recipient may be relayed at all, and it is closed at
 * its end, so that no rule of another stage can open the relay.
 */
public enum Stage {
    CONNECT, HELO, MAIL, RELAY, RCPT, DATA;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
