package net.portcullis.gateway.smtp;

import java.io.IOException;
import java.util.List;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.command.AuthCommand;
import org.subethamail.smtp.internal.command.HelloCommand;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.Session;

/**
 * Where SubEthaSMTP's commands do not fit an in-line gateway, ours replace them (SubEthaSMTP
 * offers no other hook for this): EHLO advertises PIPELINING and only what we pass on faithfully
 * (no CHUNKING, no SMTPUTF8), AUTH is offered and accepted only under TLS, BDAT is refused.
 */
final class SmtpCommands {
    private SmtpCommands() {
    }

    static void install(CommandHandler handler, ConnectionGate gate) {
        handler.addCommand(new Ehlo(gate));
        handler.addCommand(new Helo(gate));
        handler.addCommand(new AuthUnderTls());
        handler.addCommand(new NoBdat());
        handler.addCommand(new Data());
    }

    /**
     * DATA, read by {@link DataReader} instead of SubEthaSMTP's per-byte streams. Unlike
     * SubEthaSMTP's, it ends the transaction after a refusal too: RFC 5321 4.1.1.4 ends it with
     * the reply to the end of data either way, and the client may start a new MAIL at once.
     */
    static final class Data extends BaseCommand {
        Data() {
            super("DATA", "Following text is collected as the message.", "End data with <CR><LF>.<CR><LF>");
        }

        @Override
        public void execute(String commandString, Session sess) throws IOException, DropConnectionException {
            if (!sess.isMailTransactionInProgress()) {
                sess.sendResponse("503 5.5.1 Error: need MAIL command");
                return;
            }
            if (sess.getRecipientCount() == 0) {
                sess.sendResponse("503 5.5.1 Error: need RCPT command");
                return;
            }
            sess.sendResponse("354 End data with <CR><LF>.<CR><LF>");
            try {
                String ok = sess.getMessageHandler().data(sess.getRawInput());
                sess.sendResponse("250 " + ok);
            } catch (DropConnectionException e) {
                throw e;
            } catch (org.subethamail.smtp.RejectException e) {
                sess.sendResponse(e.getErrorResponse());
            }
            sess.resetMailTransaction();
        }
    }

    static final class Ehlo extends BaseCommand {
        private final ConnectionGate gate;

        Ehlo(ConnectionGate gate) {
            super("EHLO", "Introduce yourself.", "<hostname>");
            this.gate = gate;
        }

        @Override
        public void execute(String commandString, Session sess) throws IOException {
            String[] args = getArgs(commandString);
            if (args.length < 2) {
                sess.sendResponse("501 5.5.4 Syntax: EHLO hostname");
                return;
            }
            sess.resetMailTransaction();
            sess.setHelo(args[1]);
            SessionState st = gate.state(sess);
            if (st != null) {
                st.ehlo = true;
                st.helos.add(args[1]);
            }
            StringBuilder r = new StringBuilder();
            r.append("250-").append(sess.getServer().getHostName());
            r.append("\r\n250-PIPELINING");
            r.append("\r\n250-8BITMIME");
            int maxSize = sess.getServer().getMaxMessageSize();
            if (maxSize > 0) {
                r.append("\r\n250-SIZE ").append(maxSize);
            }
            if (sess.getServer().getEnableTLS() && !sess.isTLSStarted()) {
                r.append("\r\n250-STARTTLS");
            }
            var auth = sess.getServer().getAuthenticationHandlerFactory();
            if (sess.isTLSStarted() && auth.isPresent()) {
                List<String> mechs = auth.map(AuthenticationHandlerFactory::getAuthenticationMechanisms).orElse(List.of());
                if (!mechs.isEmpty()) {
                    r.append("\r\n250-AUTH ").append(String.join(" ", mechs));
                }
            }
            r.append("\r\n250 HELP");
            sess.sendResponse(r.toString());
        }
    }

    static final class Helo extends BaseCommand {
        private final ConnectionGate gate;
        private final HelloCommand delegate = new HelloCommand();

        Helo(ConnectionGate gate) {
            super("HELO", "Introduce yourself.", "<hostname>");
            this.gate = gate;
        }

        @Override
        public void execute(String commandString, Session sess) throws IOException, DropConnectionException {
            SessionState st = gate.state(sess);
            delegate.execute(commandString, sess);
            if (st != null && sess.getHelo().isPresent()) {
                st.ehlo = false;
                st.helos.add(sess.getHelo().get());
            }
        }
    }

    static final class AuthUnderTls extends BaseCommand {
        private final AuthCommand delegate = new AuthCommand();

        AuthUnderTls() {
            super(AuthCommand.VERB, "Authentication service", "AUTH <mechanism> [initial-response]");
        }

        @Override
        public void execute(String commandString, Session sess) throws IOException, DropConnectionException {
            if (!sess.isTLSStarted()) {
                sess.sendResponse("538 5.7.11 Encryption required for requested authentication mechanism");
                return;
            }
            if (sess.getServer().getAuthenticationHandlerFactory().isEmpty()) {
                sess.sendResponse("502 5.5.1 AUTH not available");
                return;
            }
            delegate.execute(commandString, sess);
        }
    }

    static final class NoBdat extends BaseCommand {
        NoBdat() {
            super("BDAT", "Not offered: use DATA.");
        }

        @Override
        public void execute(String commandString, Session sess) throws IOException {
            sess.sendResponse("502 5.5.1 BDAT not implemented, use DATA");
        }
    }
}
