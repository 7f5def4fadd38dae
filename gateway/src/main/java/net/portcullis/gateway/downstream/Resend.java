package net.portcullis.gateway.downstream;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends a finished message (a released hold, a digest) to the protected server in a session of
 * its own. The outcome says who took it: the caller marks a message done only for those.
 */
public final class Resend {
    /** What the server said: per recipient, and to the end of data (null when nothing was sent). */
    public record Outcome(List<String> took, Map<String, String> replies, DownstreamReply end) {
        /** The server took it for at least one recipient. */
        public boolean delivered() {
            return !took.isEmpty();
        }
    }

    private Resend() {
    }

    /**
     * One transaction per route of the recipients (each route's servers in order); the outcomes
     * joined: who took it, every recipient's reply, and the last end-of-data reply.
     *
     * @throws DownstreamException a server could not be reached or the session broke, before any
     *                             route took the message: retry later
     */
    public static Outcome send(Downstreams downstreams, String sender, List<String> recipients, byte[] message)
            throws DownstreamException {
        Map<Downstreams.Route, List<String>> byRoute = new LinkedHashMap<>();
        for (String r : recipients) {
            byRoute.computeIfAbsent(downstreams.route(r), k -> new ArrayList<>()).add(r);
        }
        List<String> took = new ArrayList<>();
        Map<String, String> replies = new LinkedHashMap<>();
        DownstreamReply end = null;
        for (var e : byRoute.entrySet()) {
            Outcome o;
            try {
                o = send(e.getKey(), sender, e.getValue(), message);
            } catch (DownstreamException x) {
                if (took.isEmpty()) {
                    throw x;
                }
                e.getValue().forEach(r -> replies.put(r, "not sent: " + x.getMessage()));
                continue;
            }
            took.addAll(o.took());
            replies.putAll(o.replies());
            end = o.end() != null ? o.end() : end;
        }
        return new Outcome(took, replies, end);
    }

    private static Outcome send(Downstreams.Route route, String sender, List<String> recipients, byte[] message)
            throws DownstreamException {
        // in the gateway's own name: a connection that spoke for a client (XCLIENT) is not used for this
        DownstreamPool.Lease lease = route.acquire(null);
        DownstreamReply first;
        try {
            first = lease.connection().mail(sender, "");
        } catch (DownstreamException e) {
            lease.release(DownstreamPool.State.BROKEN);
            if (!lease.wasReused()) {
                throw e;
            }
            // an idle pooled connection the server had dropped: once more on a new one (nothing was sent yet)
            lease = route.fresh(null);
            try {
                first = lease.connection().mail(sender, "");
            } catch (DownstreamException again) {
                lease.release(DownstreamPool.State.BROKEN);
                throw again;
            }
        }
        DownstreamReply m = first;
        try {
            Map<String, String> replies = new LinkedHashMap<>();
            if (!m.positive()) {
                recipients.forEach(r -> replies.put(r, "sender refused: " + m));
                lease.release(DownstreamPool.State.OPEN);
                return new Outcome(List.of(), replies, null);
            }
            List<String> took = new ArrayList<>();
            for (String r : recipients) {
                DownstreamReply rr = lease.connection().rcpt(r, "");
                replies.put(r, rr.toString());
                if (rr.positive()) {
                    took.add(r);
                }
            }
            if (took.isEmpty()) {
                lease.release(DownstreamPool.State.OPEN);
                return new Outcome(took, replies, null);
            }
            DownstreamReply end = lease.connection().data(new byte[0], new ByteArrayInputStream(message));
            lease.release(DownstreamPool.State.FINISHED);
            return new Outcome(end.positive() ? took : List.of(), replies, end);
        } catch (DownstreamException e) {
            lease.release(DownstreamPool.State.BROKEN);
            throw e;
        }
    }
}
