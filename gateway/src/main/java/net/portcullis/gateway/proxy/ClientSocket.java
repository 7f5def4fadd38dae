package net.portcullis.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketImpl;

/**
 * A client's connection whose input goes through a {@link CommandStream}. Made by
 * {@link Listener}, the server socket SubEthaSMTP accepts on (its serverSocketFactory): the
 * JDK's implAccept is the documented way to hand out a Socket subclass, and the rest of the
 * socket (addresses, close) is the JDK's own; its read timeout is a {@link
 * net.portcullis.gateway.net.DeadlineSocket}'s, so that SubEthaSMTP's idle timeout costs no timer per read.
 */
final class ClientSocket extends net.portcullis.gateway.net.DeadlineSocket {
    private CommandStream stream;
    private Corked output;

    private ClientSocket() throws IOException {
        super((SocketImpl) null);
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (stream == null) {
            stream = new CommandStream(super.getInputStream());
        }
        return stream;
    }

    @Override
    public synchronized java.io.OutputStream getOutputStream() throws IOException {
        if (output == null) {
            output = new Corked(super.getOutputStream(), (CommandStream) getInputStream());
        }
        return output;
    }

    /**
     * Our replies, held while the client's next pipelined command is already waiting and written
     * together once it is not (one write instead of one per reply: half the gateway's CPU went to
     * the kernel). Nothing waits on a client that is waiting for us: a flush with no command
     * pending writes at once, and so does every flush in raw mode (DATA, TLS).
     */
    static final class Corked extends java.io.OutputStream {
        private static final int LIMIT = 64 * 1024;
        private final java.io.OutputStream socket;
        private final CommandStream in;
        private final java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream(512);

        Corked(java.io.OutputStream socket, CommandStream in) {
            this.socket = socket;
            this.in = in;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            held.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            held.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            if (held.size() < LIMIT && in.commandsPending()) {
                return;
            }
            held.writeTo(socket);
            held.reset();
            socket.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                if (held.size() > 0) {
                    held.writeTo(socket);
                    held.reset();
                }
            } finally {
                socket.close();
            }
        }
    }

    /** The command stream of a session's socket, or null when it is not one of ours (after STARTTLS). */
    static CommandStream stream(Socket s) {
        if (s instanceof ClientSocket c) {
            try {
                return (CommandStream) c.getInputStream();
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    /** The listening socket: every connection it accepts is a {@link ClientSocket}. */
    static final class Listener extends ServerSocket {
        Listener() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            if (isClosed()) {
                throw new java.net.SocketException("Socket is closed");
            }
            ClientSocket s = new ClientSocket();
            implAccept(s);
            return s;
        }
    }
}
