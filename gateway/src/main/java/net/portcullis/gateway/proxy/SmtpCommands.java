package net.portcullis.gateway.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.session.GatewayContext;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.internal.command.AuthCommand;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.Session;

/**
 * The SMTP commands of an in-line gateway. SubEthaSMTP's own commands hand the message handler
 * only the bare address, answer without limits and cannot see each other's errors, so every verb
 * is ours here (SubEthaSMTP offers no other hook): EHLO advertises what we pass on faithfully,
 * MAIL and RCPT check their ESMTP parameters and pass them downstream unchanged, and every
 * command counts toward the session's error and junk limits (Postfix's smtpd_hard_error_limit
 * and smtpd_junk_command_limit). AUTH wraps SubEthaSMTP's, which runs the SASL dialogue.
 * {@code SubEthaContractTest} pins the internals this relies on.
 */
final class SmtpCommands {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SmtpCommands.class);
    /** RFC 5321 4.5.3.1.4: 512 octets with CRLF. */
    static final int COMMAND_LINE = 512;
    /**
     * MAIL and RCPT may carry ESMTP parameters (RFC 3461 5 and RFC 4954 5 add up to 500 octets);
     * SubEthaSMTP's reader refuses any line past 1,000 octets (501, connection closed) before
     * a command sees it, so that is their bound.
     */
    static final int PARAMETER_LINE = 1000;

    private SmtpCommands() {
    }

    /** Everything a command needs from the gateway: what is in force now (a reload may change it). */
    record Context(ConnectionGate gate, Downstreams pool, java.util.function.Supplier<GatewayContext> live) {
        GatewayConfig.Limits limits() {
            return live.get().config().limits();
        }
    }

    static void install(CommandHandler handler, Context ctx) {
        List<Command> ours = List.of(new Ehlo(ctx), new Helo(ctx), new Mail(ctx), new Rcpt(ctx), new Data(ctx),
                new Rset(ctx), new Noop(ctx), new Quit(ctx), new Help(ctx), new Refused(ctx, "VRFY", "502 5.5.1 VRFY command is disabled"),
                new Refused(ctx, "EXPN", "502 5.5.1 EXPN command is disabled"),
                new Refused(ctx, "BDAT", "502 5.5.1 BDAT not implemented, use DATA"),
                new StartTls(ctx), new AuthUnderTls(ctx));
        for (Command c : ours) {
            handler.addCommand(c);
        }
        catchUnknownVerbs(handler, new Unknown(ctx));
    }

    /**
     * SubEthaSMTP answers an unknown verb itself and tells no one; to count it as an error we put
     * a map in its command registry that answers every unknown verb with our command.
     */
    @SuppressWarnings("unchecked")
    private static void catchUnknownVerbs(CommandHandler handler, Command unknown) {
        try {
            java.lang.reflect.Field f = CommandHandler.class.getDeclaredField("commandMap");
            f.setAccessible(true);
            Map<String, Command> old = (Map<String, Command>) f.get(handler);
            // SubEthaSMTP looks a line up twice: by its first four letters, then by its whole
            // verb. A four-letter key that begins a longer verb (STAR for STARTTLS) must miss,
            // so that the second look-up happens.
            Map<String, Command> all = new HashMap<>(old) {
                @Override
                public Command get(Object key) {
                    Command c = super.get(key);
                    if (c != null) {
                        return c;
                    }
                    String k = String.valueOf(key);
                    boolean prefix = keySet().stream().anyMatch(v -> v.length() > k.length() && v.startsWith(k));
                    return prefix ? null : unknown;
                }
            };
            f.set(handler, all);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("SubEthaSMTP's command registry changed; see SubEthaContractTest", e);
        }
    }

    /** RFC 2920 3.1: the client waits for our reply to these before it sends anything more (QUIT ends it all anyway). */
    private static final Set<String> LAST_IN_GROUP = Set.of("EHLO", "HELO", "DATA", "STARTTLS");

    /** The common part: line length, pipelining, error and junk counting, each reply sent once. */
    abstract static class Guarded extends BaseCommand {
        final Context ctx;
        private final int maxLine;

        Guarded(Context ctx, String verb, String help, int maxLine) {
            super(verb, help);
            this.ctx = ctx;
            this.maxLine = maxLine;
        }

        @Override
        public final void execute(String line, Session sess) throws IOException, DropConnectionException {
            if (line.getBytes(StandardCharsets.UTF_8).length + 2 > maxLine) {
                reply(sess, "500 5.5.2 Line too long");
                return;
            }
            SessionState st = ctx.gate().state(sess);
            if (st != null && !st.pipelining && sentAhead(st) && sess.getRawInput().available() > 0) {
                st.pipelining = true;
            }
            run(line, sess);
        }

        /**
         * Whether input already waiting behind this command (read before we answer it) breaks
         * RFC 2920: these verbs must end a group, and without PIPELINING offered every command does.
         */
        private boolean sentAhead(SessionState st) {
            return LAST_IN_GROUP.contains(getName()) || !st.advertised.contains("PIPELINING");
        }

        abstract void run(String line, Session sess) throws IOException, DropConnectionException;

        /** Sends a reply; a 4xx or 5xx counts toward limits.errors, and the last one allowed closes the session. */
        void reply(Session sess, String reply) throws IOException, DropConnectionException {
            sess.sendResponse(reply);
            if (reply.charAt(0) == '4' || reply.charAt(0) == '5') {
                error(sess);
            }
        }

        void error(Session sess) throws DropConnectionException {
            SessionState st = ctx.gate().state(sess);
            if (st != null && ++st.errors >= ctx.limits().errors()) {
                throw new DropConnectionException(421, "4.7.0 Too many errors, closing connection");
            }
        }

        /** A NOOP, RSET, VRFY or HELP: harmless alone, an error past limits.junk_commands. */
        void junk(Session sess) throws DropConnectionException {
            SessionState st = ctx.gate().state(sess);
            if (st != null && ++st.junk > ctx.limits().junkCommands()) {
                error(sess);
            }
        }

        static String argument(String line, int verbLength) {
            return line.length() > verbLength ? line.substring(verbLength).strip() : "";
        }
    }

    /**
     * Splits {@code FROM:<path> params} / {@code TO:<path> params}: the path without its angle
     * brackets (a '>' inside a quoted local part does not end it), and the parameter text.
     * Returns null when the syntax is wrong.
     */
    static String[] pathAndParameters(String arg, String keyword) {
        if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) {
            return null;
        }
        String rest = arg.substring(keyword.length()).stripLeading();
        if (!rest.startsWith("<")) {
            return null;
        }
        boolean quoted = false;
        for (int i = 1; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                String params = rest.substring(i + 1);
                if (!params.isEmpty() && params.charAt(0) != ' ') {
                    return null;
                }
                return new String[] {rest.substring(1, i).strip(), params.strip()};
            }
        }
        return null;
    }

    static final class Mail extends Guarded {
        Mail(Context ctx) {
            super(ctx, "MAIL", "Specifies the sender.", PARAMETER_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            if (sess.getHelo().isEmpty()) {
                reply(sess, "503 5.5.1 Error: send HELO/EHLO first");
                return;
            }
            if (sess.isMailTransactionInProgress()) {
                reply(sess, "503 5.5.1 Error: nested MAIL command");
                return;
            }
            String[] pp = pathAndParameters(argument(line, 4), "FROM:");
            if (pp == null) {
                reply(sess, "501 5.5.2 Syntax: MAIL FROM:<address> [parameters]");
                return;
            }
            SessionState st = ctx.gate().state(sess);
            EsmtpParameters params;
            try {
                params = EsmtpParameters.mail(pp[1], st == null ? Set.of() : st.advertised, ctx.limits().messageSize());
            } catch (EsmtpParameters.Refused e) {
                reply(sess, e.reply.code() + " " + e.reply.status() + " " + e.reply.text());
                return;
            }
            sess.startMailTransaction();
            Transaction t = (Transaction) sess.getMessageHandler();
            try {
                t.mail(pp[0], params);
                sess.sendResponse("250 2.1.0 Ok");
            } catch (DropConnectionException e) {
                throw e;
            } catch (RejectException e) {
                sess.resetMailTransaction();
                reply(sess, e.getErrorResponse());
            }
        }
    }

    static final class Rcpt extends Guarded {
        Rcpt(Context ctx) {
            super(ctx, "RCPT", "Specifies a recipient.", PARAMETER_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            if (!sess.isMailTransactionInProgress()) {
                reply(sess, "503 5.5.1 Error: need MAIL command");
                return;
            }
            String[] pp = pathAndParameters(argument(line, 4), "TO:");
            if (pp == null) {
                reply(sess, "501 5.5.2 Syntax: RCPT TO:<address> [parameters]");
                return;
            }
            SessionState st = ctx.gate().state(sess);
            EsmtpParameters params;
            try {
                params = EsmtpParameters.rcpt(pp[1], st == null ? Set.of() : st.advertised);
            } catch (EsmtpParameters.Refused e) {
                reply(sess, e.reply.code() + " " + e.reply.status() + " " + e.reply.text());
                return;
            }
            Transaction t = (Transaction) sess.getMessageHandler();
            try {
                t.recipient(pp[0], params);
                sess.addRecipient(pp[0]);
                sess.sendResponse("250 2.1.5 Ok");
            } catch (DropConnectionException e) {
                throw e;
            } catch (RejectException e) {
                reply(sess, e.getErrorResponse());
            }
        }
    }

    /**
     * DATA, read by {@link DataReader} instead of SubEthaSMTP's per-byte streams. Unlike
     * SubEthaSMTP's, it ends the transaction after a refusal too: RFC 5321 4.1.1.4 ends it with
     * the reply to the end of data either way, and the client may start a new MAIL at once.
     */
    static final class Data extends Guarded {
        Data(Context ctx) {
            super(ctx, "DATA", "Following text is collected as the message.", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            if (!line.strip().equalsIgnoreCase("DATA")) {
                reply(sess, "501 5.5.4 Syntax: DATA takes no parameters");
                return;
            }
            if (!sess.isMailTransactionInProgress()) {
                reply(sess, "503 5.5.1 Error: need MAIL command");
                return;
            }
            if (sess.getRecipientCount() == 0) {
                reply(sess, "503 5.5.1 Error: need RCPT command");
                return;
            }
            Transaction t = (Transaction) sess.getMessageHandler();
            String lost = t.refusalBeforeData();
            if (lost != null) {
                sess.resetMailTransaction();
                reply(sess, "451 " + lost);
                return;
            }
            SessionState st = ctx.gate().state(sess);
            CommandStream wire = st == null ? null : st.wire;
            if (wire != null) {
                wire.raw(); // the message passes byte for byte: DataReader judges its line ends
            }
            sess.sendResponse("354 End data with <CR><LF>.<CR><LF>");
            try {
                String ok = t.data(sess.getRawInput());
                // the reply first: ending the transaction may let a graceful shutdown close the socket
                sess.sendResponse("250 " + ok);
                sess.resetMailTransaction();
            } catch (DropConnectionException e) {
                throw e;
            } catch (RejectException e) {
                sess.resetMailTransaction();
                reply(sess, e.getErrorResponse());
            } catch (java.net.SocketTimeoutException e) {
                // silent mid-message for limits.idle_timeout: said as SubEthaSMTP says it between commands,
                // and the session ends (nothing was acknowledged, the downstream transaction is abandoned)
                LOG.info("client {} silent in the middle of a message: {}",
                        sess.getRemoteAddress(), e.getMessage());
                sess.sendResponse("421 4.4.2 Timeout waiting for data from client.");
                sess.quit();
            } catch (java.io.EOFException e) {
                // the client left mid-message: routine, and nothing to answer (no stack trace in the log)
                LOG.info("client {} closed the connection in the middle of a message",
                        sess.getRemoteAddress());
                sess.quit();
            } finally {
                if (wire != null) {
                    wire.commands();
                }
            }
        }
    }

    static final class Ehlo extends Guarded {
        Ehlo(Context ctx) {
            super(ctx, "EHLO", "Introduce yourself.", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            String name = argument(line, 4);
            net.portcullis.policy.EnvelopeSyntax.Refusal bad = net.portcullis.policy.EnvelopeSyntax.greeting("EHLO", name);
            if (bad != null) {
                reply(sess, bad.reply().code() + " " + bad.reply().status() + " " + bad.reply().text());
                return;
            }
            sess.resetMailTransaction();
            sess.setHelo(name);
            Set<String> offered = new LinkedHashSet<>(List.of("PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES"));
            StringBuilder r = new StringBuilder();
            r.append("250-").append(sess.getServer().getHostName());
            r.append("\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES");
            int maxSize = sess.getServer().getMaxMessageSize();
            if (maxSize > 0) {
                r.append("\r\n250-SIZE ").append(maxSize);
                offered.add("SIZE");
            }
            Set<String> downstream = ctx.pool().extensions();
            for (String ext : List.of("SMTPUTF8", "DSN")) {
                if (downstream != null && downstream.contains(ext)) {
                    r.append("\r\n250-").append(ext);
                    offered.add(ext);
                }
            }
            if (sess.getServer().getEnableTLS() && !sess.isTLSStarted()) {
                r.append("\r\n250-STARTTLS");
            }
            var auth = sess.getServer().getAuthenticationHandlerFactory();
            if (sess.isTLSStarted() && auth.isPresent()) {
                List<String> mechs = auth.map(AuthenticationHandlerFactory::getAuthenticationMechanisms).orElse(List.of());
                if (!mechs.isEmpty()) {
                    r.append("\r\n250-AUTH ").append(String.join(" ", mechs));
                    offered.add("AUTH");
                }
            }
            r.append("\r\n250 HELP");
            SessionState st = ctx.gate().state(sess);
            if (st != null) {
                st.ehlo = true;
                st.advertised = Set.copyOf(offered);
            }
            sess.sendResponse(r.toString());
        }
    }

    static final class Helo extends Guarded {
        Helo(Context ctx) {
            super(ctx, "HELO", "Introduce yourself.", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            String name = argument(line, 4);
            net.portcullis.policy.EnvelopeSyntax.Refusal bad = net.portcullis.policy.EnvelopeSyntax.greeting("HELO", name);
            if (bad != null) {
                reply(sess, bad.reply().code() + " " + bad.reply().status() + " " + bad.reply().text());
                return;
            }
            sess.resetMailTransaction();
            sess.setHelo(name);
            SessionState st = ctx.gate().state(sess);
            if (st != null) {
                st.ehlo = false;
                st.advertised = Set.of();
            }
            sess.sendResponse("250 " + sess.getServer().getHostName());
        }
    }

    static final class Rset extends Guarded {
        Rset(Context ctx) {
            super(ctx, "RSET", "Resets the transaction.", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            sess.resetMailTransaction();
            sess.sendResponse("250 2.0.0 Ok");
            junk(sess);
        }
    }

    static final class Noop extends Guarded {
        Noop(Context ctx) {
            super(ctx, "NOOP", "Does nothing.", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            sess.sendResponse("250 2.0.0 Ok");
            junk(sess);
        }
    }

    static final class Help extends Guarded {
        Help(Context ctx) {
            super(ctx, "HELP", "Lists the commands.", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            sess.sendResponse("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT STARTTLS AUTH");
            junk(sess);
        }
    }

    static final class Quit extends Guarded {
        Quit(Context ctx) {
            super(ctx, "QUIT", "Closes the session.", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException {
            sess.sendResponse("221 2.0.0 Bye");
            sess.quit();
        }
    }

    /** A verb we know and decline (VRFY, EXPN, BDAT): an error, counted. */
    static final class Refused extends Guarded {
        private final String answer;

        Refused(Context ctx, String verb, String answer) {
            super(ctx, verb, "Not offered.", COMMAND_LINE);
            this.answer = answer;
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            junk(sess);
            reply(sess, answer);
        }
    }

    static final class Unknown extends Guarded {
        Unknown(Context ctx) {
            super(ctx, "UNKNOWN", "Any verb we do not know.", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            reply(sess, "500 5.5.2 Error: command not recognized");
        }
    }

    /**
     * STARTTLS (RFC 3207): once only (a second one is a bad sequence, not a temporary failure),
     * with an enhanced status code like every other reply, and everything said before it
     * forgotten: the client greets again.
     */
    static final class StartTls extends Guarded {
        StartTls(Context ctx) {
            super(ctx, "STARTTLS", "Starts TLS.", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            if (sess.isTLSStarted()) {
                reply(sess, "503 5.5.1 Error: TLS already active");
                return;
            }
            if (!sess.getServer().getEnableTLS()) {
                reply(sess, "502 5.5.1 STARTTLS not offered");
                return;
            }
            if (!argument(line, 8).isEmpty()) {
                reply(sess, "501 5.5.4 Syntax: STARTTLS takes no parameters");
                return;
            }
            SessionState state = ctx.gate().state(sess);
            if (state != null && state.wire != null) {
                state.wire.raw(); // from here the handshake's bytes, never to be touched
            }
            sess.sendResponse("220 2.0.0 Ready to start TLS");
            javax.net.ssl.SSLSocket tls;
            try {
                tls = sess.getServer().createSSLSocket(sess.getSocket());
                tls.startHandshake();
            } catch (IOException e) {
                // nothing more can be said in plain text after a failed handshake: the session ends
                LOG.debug("STARTTLS handshake failed: {}", e.toString());
                sess.quit();
                return;
            }
            sess.setSocket(tls);
            sess.resetSmtpProtocol();
            sess.setTlsStarted(true);
            if (tls.getNeedClientAuth()) {
                try {
                    sess.setTlsPeerCertificates(tls.getSession().getPeerCertificates());
                } catch (javax.net.ssl.SSLPeerUnverifiedException ignored) {
                    // no client certificate: nothing to record
                }
            }
            SessionState st = ctx.gate().state(sess);
            if (st != null) {
                st.advertised = Set.of();
            }
        }
    }

    /** AUTH, offered and accepted only under TLS; a failed attempt counts as an error. */
    static final class AuthUnderTls extends Guarded {
        private final AuthCommand delegate = new AuthCommand();

        AuthUnderTls(Context ctx) {
            super(ctx, AuthCommand.VERB, "Authentication service", COMMAND_LINE);
        }

        @Override
        void run(String line, Session sess) throws IOException, DropConnectionException {
            if (!sess.isTLSStarted()) {
                reply(sess, "538 5.7.11 Encryption required for requested authentication mechanism");
                return;
            }
            if (sess.getServer().getAuthenticationHandlerFactory().isEmpty()) {
                reply(sess, "502 5.5.1 AUTH not available");
                return;
            }
            delegate.execute(line, sess);
            if (!sess.isAuthenticated()) {
                error(sess);
            }
        }
    }
}
