package net.portcullis.gateway.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A recording mail server on a loopback port that fails, in the first transaction it sees, at
 * the step a test names: it drops the connection at MAIL, at the n-th RCPT, after 354, before
 * the final reply; or it answers the end of data with garbage, with lines that disagree, too
 * late, or with a refusal. Or it never greets at all. Every later transaction is served normally. It stores a message (its recipients and
 * data) only when it answered its end of data with 250, as a real server commits it, and records
 * every command line byte for byte.
 */
final class FaultyDownstream implements AutoCloseable {
    /** SILENT applies to every connection (it never greets); the others to the first transaction. */
    enum Fault { NONE, SILENT, DROP_AT_MAIL, DROP_AT_RCPT, DROP_AFTER_354, DROP_BEFORE_FINAL_REPLY, GARBAGE_FINAL_REPLY,
        MIXED_FINAL_REPLY, SLOW_FINAL_REPLY, REFUSE_RCPT, REFUSE_FINAL_REPLY }

    record Stored(String sender, List<String> recipients, String data) { }

    private final ServerSocket server;
    private final Fault fault;
    private final int atRcpt;
    private final long slowMillis;
    private final String extensions;
    private final AtomicInteger transactions = new AtomicInteger();
    final List<Stored> stored = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();

    /**
     * @param atRcpt     for DROP_AT_RCPT and REFUSE_RCPT: which RCPT (1-based) of the first transaction
     * @param slowMillis for SLOW_FINAL_REPLY: how long the final reply is held back
     * @param extensions EHLO lines after the greeting line, e.g. "PIPELINING", "DSN"
     */
    FaultyDownstream(Fault fault, int atRcpt, long slowMillis, String... extensions) throws IOException {
        this.fault = fault;
        this.atRcpt = atRcpt;
        this.slowMillis = slowMillis;
        this.extensions = String.join(",", extensions);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "faulty-downstream");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> handle(s));
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket s) {
        try (s) {
            s.setSoTimeout(20_000);
            if (fault == Fault.SILENT) {
                s.getInputStream().read(); // hold the connection open, say nothing
                return;
            }
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            say(out, "220 faulty ESMTP");
            String sender = null;
            List<String> rcpts = new ArrayList<>();
            boolean faulty = false;
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                switch (verb) {
                    case "EHLO" -> {
                        StringBuilder b = new StringBuilder("250-faulty");
                        for (String e : extensions.isEmpty() ? new String[0] : extensions.split(",")) {
                            b.append("\r\n250-").append(e);
                        }
                        say(out, b + "\r\n250 HELP");
                    }
                    case "MAIL" -> {
                        faulty = transactions.incrementAndGet() == 1 && fault != Fault.NONE;
                        if (faulty && fault == Fault.DROP_AT_MAIL) {
                            return;
                        }
                        sender = line;
                        rcpts = new ArrayList<>();
                        say(out, "250 2.1.0 ok");
                    }
                    case "RCPT" -> {
                        boolean here = faulty && rcpts.size() + 1 == atRcpt;
                        if (here && fault == Fault.DROP_AT_RCPT) {
                            return;
                        }
                        if (here && fault == Fault.REFUSE_RCPT) {
                            rcpts.add(null); // counted, not stored
                            say(out, "550 5.1.1 no such user");
                            break;
                        }
                        rcpts.add(line.substring(line.indexOf('<') + 1, line.indexOf('>')));
                        say(out, "250 2.1.5 ok");
                    }
                    case "DATA" -> {
                        say(out, "354 go on");
                        if (faulty && fault == Fault.DROP_AFTER_354) {
                            in.readLine();
                            return;
                        }
                        StringBuilder data = new StringBuilder();
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            data.append(line).append("\r\n");
                        }
                        List<String> took = rcpts.stream().filter(r -> r != null).toList();
                        if (faulty) {
                            switch (fault) {
                                case DROP_BEFORE_FINAL_REPLY -> {
                                    return;
                                }
                                case GARBAGE_FINAL_REPLY -> {
                                    say(out, "hello there, this is no reply");
                                    continue;
                                }
                                case MIXED_FINAL_REPLY -> {
                                    say(out, "250-first line says yes\r\n554 5.0.0 second says no");
                                    continue;
                                }
                                case REFUSE_FINAL_REPLY -> {
                                    say(out, "554 5.7.1 Content refused by downstream policy");
                                    continue;
                                }
                                case SLOW_FINAL_REPLY -> {
                                    sleep(slowMillis);
                                    stored.add(new Stored(sender, took, data.toString()));
                                    say(out, "250 2.0.0 queued late");
                                    continue;
                                }
                                default -> { }
                            }
                        }
                        stored.add(new Stored(sender, took, data.toString()));
                        say(out, "250 2.0.0 queued");
                    }
                    case "QUIT" -> {
                        say(out, "221 bye");
                        return;
                    }
                    default -> say(out, "250 ok");
                }
            }
        } catch (IOException ignored) {
            // the peer went away; nothing to clean up
        }
    }

    /** A port on which nothing listens: bound by the OS, then released. */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
