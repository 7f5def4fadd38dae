package net.portcullis.gateway.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving mail server on a loopback port: one that never greets, or one that drops the
 * connection in the middle of DATA. Each is a real TCP peer, so the gateway meets the fault as
 * it would in production.
 */
final class ScriptedDownstream implements AutoCloseable {
    enum Behaviour { SILENT, DROP_IN_DATA, REFUSE_AT_END_OF_DATA }

    private final ServerSocket server;
    private final Behaviour behaviour;
    final AtomicInteger connections = new AtomicInteger();
    private final Thread thread;

    ScriptedDownstream(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "scripted-downstream");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
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
            s.setSoTimeout(10_000);
            if (behaviour == Behaviour.SILENT) {
                s.getInputStream().read(); // hold the connection open, say nothing
                return;
            }
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            say(out, "220 scripted ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                switch (verb) {
                    case "EHLO" -> say(out, "250-scripted\r\n250 PIPELINING");
                    case "DATA" -> {
                        say(out, "354 go on");
                        if (behaviour == Behaviour.DROP_IN_DATA) {
                            in.readLine();
                            return; // drop the connection in the middle of the message
                        }
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            // read the message to its end
                        }
                        say(out, "554 5.7.1 Content refused by downstream policy");
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

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A port on which nothing listens: bound by the OS, then released. */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
