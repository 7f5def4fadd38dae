package net.portcullis.gateway.review;

import java.time.Instant;

/** A logged-in reviewer: who, with which role, the token forms must carry, and when the login happened. */
record Session(String id, String account, String role, String csrf, Instant started) {
    boolean admin() {
        return role.equals("admin");
    }
}
